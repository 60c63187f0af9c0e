/**
 * What every Smart Charging message has in common on the wire, below the registry: the envelope, how an answer
 * reads, and what answers are checked with. The registry's entries (messages/) fill these in; the pure pieces that
 * work for any message (correlating an answer, a result record) take them from here. Pure: no IO.
 */
import type { Checked } from './validate.js';
import type { StatusInfo } from './generated/types.js';

export interface Envelope<T extends 'request' | 'response'> {
  id: string;
  name: string;
  type: T;
  data: object;
}

/** How an answer reads: the outcome word (`--json`'s `outcome`, and the exit status), its status, and why. */
export interface AnswerSummary {
  outcome: 'accepted' | 'unknown' | 'rejected';
  status: string;
  info?: StatusInfo;
}

/** What telling an answer apart needs of a message: its wire name and its response schema. */
export interface AnswerCheck<Res extends Envelope<'response'> = Envelope<'response'>> {
  readonly name: string;
  checkResponse(envelope: unknown): Checked<Res>;
}
