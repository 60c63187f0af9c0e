/** The input of `scp clear` as typed: what its flags, its questions and its entry's `inputOf` hand the request builder. Its own
 * module, so that the questions (prompts.ts) and the entry (index.ts) share it without importing each other. */

/** What the operator typed, before any parsing: flags and prompt answers arrive as strings. */
export interface ClearSelectorInput {
  id?: string;
  evse?: string;
  purpose?: string;
  stackLevel?: string;
}
