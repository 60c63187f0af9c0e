/**
 * What the stream runner (many.ts) and what delivers its lines know of each other: a carrier takes the lines that may
 * go and reports each one's record to the stream's sink. Two carriers: the correlator over a session pool
 * (correlator.ts), and answers given here by a step (many.ts `answeredHere`).
 */
import type { InterruptedError } from '../core/errors.js';
import type { StreamRecord } from '../core/outcome.js';
import type { Envelope } from '../messages/kind.js';

/** A line that may go: its request's data, the station it names, and where it came from. */
export interface LineRequest {
  /** Its record's place in the output: one per request line, in input order. */
  index: number;
  line: number;
  input: string;
  data: Envelope<'request'>['data'];
  station?: string;
}

/** What a carrier reports to. */
export interface Sink {
  /** A line's record: printed in its place. */
  finish(index: number, record: StreamRecord): void;
  /** Something changed (room, a session up or gone): the reader looks again. */
  wake(): void;
  /** What an answer is worth a warning about, said once per stream, not per line. */
  warnOnce(response: Envelope<'response'>): void;
}

/** How a stream's lines are delivered and answered. */
export interface Carrier {
  /** Requests sent and not yet settled. */
  readonly waiting: number;
  /** A line may be handed over now: it will be sent, or recorded as not sent (every session gave up). */
  ready(): boolean;
  /**
   * Sends a line's request, its record to come; or says why it cannot go (the line's own problem, such as the station
   * it names: invalid input). A carrier that answers here may take its time (a promise); over MQTT it never does, so
   * that a stream makes no promise per line.
   */
  send(line: LineRequest): string | undefined | Promise<string | undefined>;
  /** Said once, after the summary: why the requests that timed out got no answer (none timed out: nothing). */
  afterword?(): string | undefined;
  /** The stream was stopped: what still waits is settled with `error`'s words. */
  stop(error: InterruptedError): void;
  close(): Promise<void>;
}
