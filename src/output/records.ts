/**
 * What output prints, as types: the records of a stream and of the simulator's log, and what output needs of a
 * message to show its answers (`Showing`, which every registry entry is). Output knows no message by name.
 */
import type { ChalkInstance } from 'chalk';
import type { AnswerSummary, Envelope } from '../core/message.js';
import type { StreamRecord } from '../core/outcome.js';

export type { StreamRecord };

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

/**
 * How a message's requests and answers are shown: what output needs of its registry entry (every entry is one:
 * messages/kind.ts MessageKind extends this), declared here, where it is used, so that output knows no message.
 */
export interface Showing<Req extends Envelope<'request'> = Envelope<'request'>, Res extends Envelope<'response'> = Envelope<'response'>> {
  /** The scp command that sends it. */
  readonly command: string;
  /** The simulator's log words for a request that changed no profile. */
  readonly nothingDone: string;
  /** A request in few words, for log and stream lines: `id=1` or `evse_id=GB*SEV*E001 purpose=TxProfile`. */
  describe(data: Req['data']): string;
  summarize(response: Res): AnswerSummary;
  /** What an accepted answer shows besides its status (a schedule's table and chart); absent: the status says it all. */
  render?(response: Res, view: ResultView): string[];
  /** Lines every answer shows under its status, whatever it says (a service's versions). */
  answerLines?(response: Res): string[];
  /** What is worth a warning on stderr about an answer, the command still succeeding (an API version scp does not follow). */
  answerWarnings?(response: Res): string[];
}
