import type { Envelope } from './message.js';

/** The documented outcomes of one request; `--json` prints one of these words and nothing else. */
export type Outcome = 'accepted' | 'unknown' | 'rejected' | 'timeout' | 'invalid_response' | 'error';

/** An `--input` line's outcome: a request's, or a line that was not one (messages/kind.ts parseInputLine). */
export type StreamOutcome = Outcome | 'invalid_input';

/** The record `--json` prints, field names and order as documented in the README. */
export interface ResultRecord {
  request: Envelope<'request'>;
  /** The answer as received: a schema-valid response, or (for invalid_response) the offending envelope. */
  response: Envelope<'response'> | Record<string, unknown> | null;
  outcome: Outcome;
  error?: string;
  elapsed_ms: number;
  /** The broker that carried the request (or the last one tried), its password left out. */
  broker: string;
  /** Where the topics name {station}: the station it went to. */
  station?: string;
}

/**
 * What an operator is told about a request that ended without an answer, by how far it got: one wording for a
 * single clear and a stream, since scripts and people read it to decide whether to send the request again.
 */
export const REQUEST_FATE = {
  before: 'nothing was sent',
  publishing: 'the broker did not confirm the request, which may or may not have reached the service',
  published: 'the request was published and may still be applied',
} as const;
