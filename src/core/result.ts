/**
 * What a request came to, judged once for a single request and for a line of a stream alike: its answer, or the error
 * that ended the wait, as an outcome (`resultOf`; the outcome decides the exit status, errors.ts `exitStatus`), and the
 * record `--json` prints of it (`recordOf`, `lineRecordOf`). Pure.
 */
import { ConnectionError, InvalidResponseError, TimeoutError, UsageError, type ScpError } from './errors.js';
import type { AnswerSummary, Envelope } from './message.js';
import type { ResultRecord, StreamOutcome, StreamRecord } from './outcome.js';
import type { Classified } from './response.js';

/** A message that ends the wait for an answer: the answer, or one under our id that is not valid (response.ts). */
export type Decided = Exclude<Classified, { kind: 'foreign' }>;

/** How the wait for a request's answer ended: what `Decided` says, or the error that ended it. */
export type Settled = Decided | { kind: 'failed'; error: ScpError };

/** A request's outcome, what its record repeats of the answer, and the error that goes with it (said on stderr). */
export interface Result {
  outcome: StreamOutcome;
  response: ResultRecord['response'];
  error?: ScpError;
}

/** Whether the request was one command's only one, or a line of a stream: a lost connection means another thing. */
export type Judged = 'request' | 'line';

/**
 * An error's outcome. A lost connection is judged here, and only here, and differently for the two: one request has
 * nothing left to go on with, so the run failed with its connection (`error`, exit 4); a line of a stream is one of
 * many, the stream reconnects and goes on, and for that line the loss is an answer that never came (`timeout`, exit
 * 3, with how far the request got), as for a line whose --timeout ran out. Neither is ever sent again: it may have
 * been applied.
 */
function outcomeOfError(error: ScpError, judged: Judged): StreamOutcome {
  if (error instanceof TimeoutError) return 'timeout';
  if (error instanceof UsageError) return 'invalid_input';
  if (error instanceof ConnectionError && error.lost && judged === 'line') return 'timeout';
  return 'error';
}

/** The one judgement of how a wait ended, for a single request and a stream's line alike. */
export function resultOf(message: { summarize(response: Envelope<'response'>): AnswerSummary }, settled: Settled, judged: Judged): Result {
  switch (settled.kind) {
    case 'answer':
      return { outcome: message.summarize(settled.response).outcome, response: settled.response };
    case 'invalid':
      return { outcome: 'invalid_response', response: settled.envelope, error: new InvalidResponseError(`invalid response: ${settled.problems.join('; ')}`) };
    case 'failed':
      return { outcome: outcomeOfError(settled.error, judged), response: null, error: settled.error };
  }
}

/** What a record says besides the request and its result. */
export interface RecordContext {
  elapsedMs: number;
  /** Where the answer came from, in the record's words: `{ broker }`, or `{ offline: true }` and what came with it;
   * nothing for a line that was never sent. */
  source: Readonly<Record<string, unknown>>;
  /** Where the topics name {station}: the station it went to. */
  station?: string;
  /** What a step adds once the answer is judged (a verdict), last. */
  extra?: Readonly<Record<string, unknown>>;
}

/**
 * A record's fields in the documented order (the README's), then the line it came from, if any, and what steps
 * added. Field by field, not spread from partial objects: a stream makes one per line.
 */
function recordFields(request: Envelope<'request'> | null, result: Result, context: RecordContext, from?: { line: number; input: string }): Record<string, unknown> {
  const record: Record<string, unknown> = { request, response: result.response, outcome: result.outcome };
  if (result.error !== undefined) record.error = result.error.message;
  record.elapsed_ms = Math.round(context.elapsedMs);
  for (const key in context.source) record[key] = context.source[key];
  if (context.station !== undefined) record.station = context.station;
  if (from !== undefined) {
    record.line = from.line;
    record.input = from.input;
  }
  if (context.extra !== undefined) Object.assign(record, context.extra);
  return record;
}

/** One request's record. */
export function recordOf(request: Envelope<'request'>, result: Result, context: RecordContext): ResultRecord {
  return recordFields(request, result, context) as unknown as ResultRecord;
}

/** A stream line's record: the same, then the line it came from. */
export function lineRecordOf(request: Envelope<'request'> | null, result: Result, context: RecordContext, from: { line: number; input: string }): StreamRecord {
  return recordFields(request, result, context, from) as unknown as StreamRecord;
}
