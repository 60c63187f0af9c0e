/**
 * The outcome words of a request (`--json`'s `outcome`, which decides the exit status: errors.ts), the records
 * `--json` prints for one request and for a stream's line, --verify's verdict, and what an operator is told of a
 * request that ended without an answer. Types and words only; core/result.ts judges and builds them.
 */
import type { Envelope } from './message.js';

/**
 * The documented outcomes of one request; `--json` prints one of these words and nothing else. `not_in_force`: the
 * station accepted, and `--verify` found something else limiting where the request applies.
 */
export type Outcome = 'accepted' | 'not_in_force' | 'unknown' | 'rejected' | 'timeout' | 'invalid_response' | 'error';

/** What `--verify` found (messages/kind.ts Verifier): in force or not, where not, why, and the question it asked. */
export interface Verdict {
  in_force: boolean;
  /** Where something else limits: seconds from the answer's start (`from`), the limit applied and the one asked, in `unit`. */
  differences: Array<{ start_period: number; end_period: number; limit: number; expected: number }>;
  reason?: string;
  /** The answer's start (ISO 8601) and unit, for the differences. */
  from?: string;
  unit?: string;
  /** The question asked and its answer; absent where nothing was left to ask. */
  request?: Envelope<'request'>;
  response?: Envelope<'response'>;
}

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
  /** The broker that carried the request (or the last one tried), its password left out; absent offline. */
  broker?: string;
  /** The answer was computed here (`scp schedule --offline`), not asked of a station: in place of `broker`. */
  offline?: true;
  /** --explain (offline): why the answer is what it is, as the message words it (core/explain.ts for a schedule). */
  explain?: object;
  /** --verify: whether the accepted request is in force. */
  verify?: Verdict;
  /** Where the topics name {station}: the station it went to. */
  station?: string;
}

/** One line of `scp clear --input --json`: the single-request record, plus where it came from. */
export interface StreamRecord extends Omit<ResultRecord, 'request' | 'outcome' | 'broker'> {
  request: Envelope<'request'> | null;
  /** The broker that carried it; absent for a line that was never sent. */
  broker?: string;
  outcome: StreamOutcome;
  line: number;
  input: string;
  /** Printed again from the journal (--resume, --retry-failed), not sent in this run. */
  resumed?: true;
}

/**
 * What an operator is told about a request that ended without an answer, by how far it got: one wording for a
 * single clear and a stream, since scripts and people read it to decide whether to send the request again.
 */
export const REQUEST_FATE = {
  before: 'nothing was sent',
  publishing: 'the broker did not confirm the request, which may or may not have reached the service',
  published: 'the request was published and may still be applied',
  /** A question (schedule, status) changes nothing: there is nothing to be applied, only an answer that did not come. */
  unanswered: 'the request was published and went unanswered',
} as const;

/** What a published request without an answer means: a change (clear, set) may still be applied; a question went
 * unanswered. */
export const publishedFate = (changes: boolean): string => (changes ? REQUEST_FATE.published : REQUEST_FATE.unanswered);
