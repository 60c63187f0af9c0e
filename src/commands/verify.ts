/**
 * `--verify` (scp set): once the station accepts, a second question through the same connection settings, and the
 * message's verdict on its answer: in force (`accepted`), or `not_in_force` with where something else limits. A
 * verification that cannot finish (no answer in time, a lost connection, an invalid answer) ends as that outcome,
 * saying the request itself was accepted. Loaded only with --verify.
 */
import { InvalidResponseError, ScpError, TimeoutError } from '../core/errors.js';
import type { Outcome, Verdict } from '../core/outcome.js';
import type { Classified } from '../core/response.js';
import { requestEnvelope, type Envelope, type MessageKind, type Verifier } from '../messages/kind.js';

type Decided = Exclude<Classified, { kind: 'foreign' }>;
/** One exchange of `kind`'s request, as the command makes them (send.ts, or a stream's lane). */
export type Ask = (kind: MessageKind, request: Envelope<'request'>) => Promise<Decided>;

export interface Verified {
  verdict: Verdict;
  outcome: Outcome;
  error?: ScpError;
}

/** What a record says when the request was accepted but no verdict came (the one wording, single and stream). */
export const notVerified = (why: string) => `the request was accepted, but not verified: ${why}`;

/** The verdict on a request whose window is over before it could be asked about. */
export const OVER: Verdict = { in_force: false, differences: [], reason: 'its schedule is over: nothing is left to be in force' };

/** The question's request, checked against its schema like any request; undefined: nothing is left to ask. */
export function questionOf(verifier: Verifier, kind: MessageKind, request: Envelope<'request'>, newId: () => string, now = new Date()): Envelope<'request'> | undefined {
  const data = verifier.question(request, now);
  if (data === undefined) return undefined;
  const checked = kind.checkRequest(requestEnvelope(kind, data as Envelope<'request'>['data'], newId()));
  if (!checked.ok) throw new Error(`--verify built an invalid ${kind.name}: ${checked.problems.join('; ')}`);
  return checked.value;
}

/** A verification that could not finish, for a stream's record: what was asked, and why no verdict. */
export const unverified = (asked: Envelope<'request'>, why: string): Verdict => ({ in_force: false, differences: [], reason: `not verified: ${why}`, request: asked });

/** The verdict on the question's answer: in force (`accepted`) or `not_in_force`, with what was asked and answered. */
export function judged(verifier: Verifier, request: Envelope<'request'>, asked: Envelope<'request'>, answer: Envelope<'response'>): Verified {
  const verdict = { ...verifier.verdict(request, answer), request: asked, response: answer };
  return { verdict, outcome: verdict.in_force ? 'accepted' : 'not_in_force' };
}

/** Verifies an accepted request: the question, its answer, the verdict. */
export async function verifyAccepted(verifier: Verifier, request: Envelope<'request'>, ask: Ask, newId: () => string, now = new Date()): Promise<Verified> {
  const kind = await verifier.asks();
  const asked = questionOf(verifier, kind, request, newId, now);
  if (asked === undefined) return { verdict: OVER, outcome: 'not_in_force' };
  let decided: Decided;
  try {
    decided = await ask(kind, asked);
  } catch (err) {
    if (!(err instanceof ScpError)) throw err;
    const error = err instanceof TimeoutError ? new TimeoutError(notVerified('no composite schedule came before --timeout')) : err;
    return { verdict: unverified(asked, err.message), outcome: err instanceof TimeoutError ? 'timeout' : 'error', error };
  }
  if (decided.kind === 'invalid') {
    const error = new InvalidResponseError(notVerified(`invalid composite schedule: ${decided.problems.join('; ')}`));
    return { verdict: unverified(asked, 'the composite schedule was invalid'), outcome: 'invalid_response', error };
  }
  return judged(verifier, request, asked, decided.response);
}
