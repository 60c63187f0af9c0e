/** The input of `scp set` as typed: what its flags, its questions and its entry's `inputOf` hand the request builder. Its own
 * module, so that the questions (prompts.ts) and the entry (index.ts) share it without importing each other. */

/** What the operator gave: option values as typed, the --file text, and the clock for the default start. */
export interface SetInput {
  fileText?: string;
  file?: string;
  id?: string;
  limit?: string;
  evse?: string;
  purpose?: string;
  stackLevel?: string;
  start?: string;
  duration?: string;
  recurring?: string;
  relative?: boolean;
  transaction?: string;
  phases?: string;
  validFrom?: string;
  validTo?: string;
  now: Date;
}
