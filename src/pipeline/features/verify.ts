/**
 * --verify (`scp set --verify`): once the station accepts, a follow-up question through the same delivery (the same
 * connection settings for one request, the same session in a stream, in the request's place), and the message's
 * verdict on its answer: in force (`accepted`), or `not_in_force` with where something else limits. What the message
 * asks and how it judges is its verifier's (messages/set/verify.ts); what it cannot check is refused before anything
 * is sent. A verification that cannot finish (no answer in time, a lost connection, an invalid answer) ends as that
 * outcome, saying the request itself was accepted; the station's answer stays the record's response.
 */
import { ConnectionError, InvalidResponseError, TimeoutError, UsageError, type ScpError } from '../../core/errors.js';
import type { Verdict } from '../../core/outcome.js';
import { resultOf, type Judged, type Result, type Settled } from '../../core/result.js';
import { requestEnvelope, type Envelope, type MessageKind, type Verifier } from '../../messages/kind.js';
import { randomUUID } from '../../transport/random.js';
import type { FollowUp, Run, Step } from '../steps.js';

/** What a record says when the request was accepted but no verdict came. */
const notVerified = (why: string) => `the request was accepted, but not verified: ${why}`;

/** The verdict on a request whose window is over before it could be asked about. */
const OVER: Verdict = { in_force: false, differences: [], reason: 'its schedule is over: nothing is left to be in force' };

/** A verification that could not finish: what was asked, and why no verdict. */
const unverified = (asked: Envelope<'request'>, why: string): Verdict => ({ in_force: false, differences: [], reason: `not verified: ${why}`, request: asked });

/** The question's request, checked against its schema like any request; undefined: nothing is left to ask. */
function questionOf(verifier: Verifier, kind: MessageKind, request: Envelope<'request'>, now = new Date()): Envelope<'request'> | undefined {
  const data = verifier.question(request, now);
  if (data === undefined) return undefined;
  const checked = kind.checkRequest(requestEnvelope(kind, data as Envelope<'request'>['data'], randomUUID()));
  if (!checked.ok) throw new Error(`--verify built an invalid ${kind.name}: ${checked.problems.join('; ')}`);
  return checked.value;
}

/** The error a failed verification ends with: the same failure, worded as one of the verification. */
function failure(error: ScpError): { why: string; error: ScpError } {
  if (error instanceof TimeoutError) {
    const why = 'no composite schedule came before --timeout';
    return { why, error: new TimeoutError(notVerified(why)) };
  }
  if (error instanceof ConnectionError) return { why: error.message, error: error.with({ text: notVerified(error.text) }) };
  return { why: error.message, error };
}

/** The verdict on the question's answer, or why there is none; the request's own answer is the record's response. */
function judge(verifier: Verifier, kind: MessageKind, request: Envelope<'request'>, asked: Envelope<'request'>, accepted: Result, answer: Settled, judged: Judged) {
  const response = accepted.response;
  if (answer.kind === 'answer') {
    const verdict = { ...verifier.verdict(request, answer.response), request: asked, response: answer.response };
    return { result: { outcome: verdict.in_force ? ('accepted' as const) : ('not_in_force' as const), response }, extra: { verify: verdict } };
  }
  if (answer.kind === 'invalid') {
    const error = new InvalidResponseError(notVerified(`invalid composite schedule: ${answer.problems.join('; ')}`));
    return { result: { outcome: 'invalid_response' as const, response, error }, extra: { verify: unverified(asked, 'the composite schedule was invalid') } };
  }
  const { why, error } = failure(answer.error);
  return { result: { outcome: resultOf(kind, answer, judged).outcome, response, error }, extra: { verify: unverified(asked, why) } };
}

export async function open({ kind }: Run): Promise<Step> {
  const verifier = await kind.verify?.();
  if (verifier === undefined) throw new UsageError(`--verify: ${kind.command} has nothing to verify`);
  const asks = await verifier.asks();
  return {
    refuse: (request) => verifier.refuse(request),
    followUp: (request, result): FollowUp | undefined => {
      if (result.outcome !== 'accepted') return undefined;
      const asked = questionOf(verifier, asks, request);
      if (asked === undefined) return { judge: () => ({ result: { ...result, outcome: 'not_in_force' }, extra: { verify: OVER } }) };
      return { question: { kind: asks, request: asked }, judge: (answer, judged) => judge(verifier, asks, request, asked, result, answer!, judged) };
    },
  };
}
