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

const ACCEPTED = 'the request was accepted';

/** Verifies an accepted request: the question, its answer, the verdict. */
export async function verifyAccepted(verifier: Verifier, request: Envelope<'request'>, ask: Ask, newId: () => string, now = new Date()): Promise<Verified> {
  const question = await verifier.question(request, now);
  if (question === undefined) return { verdict: { in_force: false, differences: [], reason: 'its schedule is over: nothing is left to be in force' }, outcome: 'not_in_force' };
  const asked = requestEnvelope(question.kind, question.data as Envelope<'request'>['data'], newId());
  const checked = question.kind.checkRequest(asked);
  if (!checked.ok) throw new Error(`--verify built an invalid ${question.kind.name}: ${checked.problems.join('; ')}`);
  let decided: Decided;
  try {
    decided = await ask(question.kind, checked.value);
  } catch (err) {
    if (!(err instanceof ScpError)) throw err;
    const error = err instanceof TimeoutError ? new TimeoutError(`${ACCEPTED}, but not verified: no composite schedule came before --timeout`) : err;
    return { verdict: { in_force: false, differences: [], reason: `not verified: ${err.message}`, request: checked.value }, outcome: err instanceof TimeoutError ? 'timeout' : 'error', error };
  }
  if (decided.kind === 'invalid') {
    const error = new InvalidResponseError(`${ACCEPTED}, but not verified: invalid composite schedule: ${decided.problems.join('; ')}`);
    return { verdict: { in_force: false, differences: [], reason: 'not verified: the composite schedule was invalid', request: checked.value }, outcome: 'invalid_response', error };
  }
  const verdict = { ...verifier.verdict(request, decided.response), request: checked.value, response: decided.response };
  return { verdict, outcome: verdict.in_force ? 'accepted' : 'not_in_force' };
}
