/**
 * What output prints, as types: the records of a stream and of the simulator's log, and what output needs of a
 * message to show its answers (`Shown`, which every registry entry is). Output knows no message by name.
 */
import type { ChalkInstance } from 'chalk';
import type { AnswerSummary, Envelope } from '../core/message.js';
import type { ResultRecord } from '../core/outcome.js';
import type { StreamOutcome } from '../core/outcome.js';

/** One line of `scp clear --input --json`: the single-request record, plus where it came from. */
export interface StreamRecord extends Omit<ResultRecord, 'request' | 'outcome' | 'broker'> {
  request: Envelope<'request'> | null;
  /** The broker that carried it; absent for a line that was never sent. */
  broker?: string;
  outcome: StreamOutcome;
  line: number;
  input: string;
}

export interface StreamPrinter {
  /** Records given but not yet written: the reader stops reading when this reaches `window`. */
  readonly pending: number;
  readonly window: number;
  /** stdout went away (`| head`): stop quietly. */
  readonly closed: boolean;
  put(index: number, record: StreamRecord): void;
  onDrain(callback: () => void): void;
  /** Resolves once everything given is written (or stdout is gone). */
  end(): Promise<void>;
}

/** How an answer is shown: colours as allowed, the terminal if stdout is one (and how wide), and the command's options. */
export interface ResultView {
  color: ChalkInstance;
  terminal: boolean;
  columns: number;
  options: Readonly<Record<string, unknown>>;
  /** What the record carries beside the answer that the message shows (--explain's explanation). */
  explain?: object;
}

/** One line of `scp simulate`'s log: what was asked, what went, what was answered and how. */
export interface ServiceLogEntry {
  time: string;
  /** With --stations: the station the request was for. */
  station?: string;
  request_id: string;
  asked: object | null;
  removed: number[];
  /** Ids of the profiles the request installed (set). */
  added?: number[];
  status: string;
  status_info?: { reason_code?: string; additional_info?: string };
  /** `dropped`: applied but never answered, as when an answer is lost on the way. */
  delivery: 'answered' | 'dropped';
  delay_ms?: number;
  duplicated?: boolean;
}

/** What showing a message's requests and answers needs of its registry entry. */
export interface Shown {
  /** The scp command that sends it, and the simulator's words for a request that changed no profile. */
  readonly command: string;
  readonly nothingDone: string;
  describe(data: object): string;
  summarize(response: Envelope<'response'>): AnswerSummary;
  render?(response: Envelope<'response'>, view: ResultView): string[];
  answerLines?(response: Envelope<'response'>): string[];
  answerWarnings?(response: Envelope<'response'>): string[];
}
