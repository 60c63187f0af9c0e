/** The input of `scp schedule` as typed: what its flags, its questions and its entry's `inputOf` hand the request builder. Its own
 * module, so that the questions (prompts.ts) and the entry (index.ts) share it without importing each other. */

/** What the operator typed: option values as strings. */
export interface ScheduleInput {
  evse?: string;
  duration?: string;
  unit?: string;
}
