/**
 * Correlation: what one message on the response topic is to the request (or requests) waiting, by id first, then by
 * name and type, then by the message's response schema and what contradicts the request. Pure: the transport hands
 * the payloads over, and a single exchange and a stream's correlator both decide with this.
 */
import type { AnswerCheck, Envelope } from './message.js';

/**
 * What one message on the response topic means for the request we are waiting on. Only `answer` and `invalid`
 * end the wait; anything `foreign` belongs to someone else (or to no one) and is ignored.
 */
export type Classified<Res = Envelope<'response'>> =
  | { kind: 'foreign'; reason: string; about: Foreign }
  | { kind: 'answer'; response: Res }
  | { kind: 'invalid'; envelope: Record<string, unknown>; problems: string[] };

/**
 * What a message that is not our answer was, for saying what came while nothing answered: stored before we listened,
 * not readable as an answer at all (not UTF-8, not JSON, not an object), someone else's answer (another id), or under
 * our id something that is no answer (our own request coming back on a shared topic, another message's name).
 */
export type Foreign = 'retained' | 'unreadable' | 'other-id' | 'not-answer';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function classifyResponse<Res extends Envelope<'response'>>(
  message: AnswerCheck<Res>,
  payload: Uint8Array,
  requestId: string,
  { retained = false } = {},
): Classified<Res> {
  return classifyAgainst(payload, (id) => (id === requestId ? message : undefined), { retained });
}

/**
 * The same decision when many requests wait at once (`scp clear --input`): `messageOf` says which message the
 * request waiting under an id is (a stream with --verify waits for two kinds), undefined for an id not ours. A
 * `foreign` result names no request; the others carry the id they answer.
 */
export function classifyAgainst<Res extends Envelope<'response'>>(
  payload: Uint8Array,
  messageOf: (id: unknown) => AnswerCheck<Res> | undefined,
  { retained = false } = {},
): Classified<Res> {
  // A retained message was stored before we subscribed, hence before our request existed.
  if (retained) return { kind: 'foreign', reason: 'retained message, stored before this request was sent', about: 'retained' };
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { kind: 'foreign', reason: 'payload is not UTF-8', about: 'unreadable' };
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    return { kind: 'foreign', reason: 'payload is not JSON', about: 'unreadable' };
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    return { kind: 'foreign', reason: 'payload is not a JSON object', about: 'unreadable' };
  }
  const fields = envelope as Record<string, unknown>;
  // Correlation comes first: a message with another id is not ours, however well or badly formed it is.
  const message = messageOf(fields.id);
  if (message === undefined) return { kind: 'foreign', reason: `id ${JSON.stringify(fields.id)} is not ours`, about: 'other-id' };
  // Our id under another name or type is not an answer to us: with request and response on one topic it is our
  // own request coming back, and otherwise another service that reused the id.
  if (fields.name !== message.name) {
    return { kind: 'foreign', reason: `name ${JSON.stringify(fields.name)} is not ${message.name}`, about: 'not-answer' };
  }
  if (fields.type !== 'response') return { kind: 'foreign', reason: `type ${JSON.stringify(fields.type)} is not response`, about: 'not-answer' };
  const checked = message.checkResponse(envelope);
  if (!checked.ok) return { kind: 'invalid', envelope: fields, problems: checked.problems };
  return { kind: 'answer', response: checked.value };
}

/**
 * An answer that passes the schema can still contradict the request it answers (a service_status answer about
 * another service): the message's `answerProblem` makes it an invalid answer, exit 5, as a schema error would. The
 * message itself is passed, not a bound method: a stream calls this for every answer.
 */
export function againstRequest<Req, Res extends Envelope<'response'>>(
  classified: Exclude<Classified<Res>, { kind: 'foreign' }>,
  request: Req,
  message: { answerProblem?(request: Req, response: Res): string | undefined },
): Exclude<Classified<Res>, { kind: 'foreign' }> {
  if (classified.kind !== 'answer' || message.answerProblem === undefined) return classified;
  const found = message.answerProblem(request, classified.response);
  return found === undefined ? classified : { kind: 'invalid', envelope: classified.response as unknown as Record<string, unknown>, problems: [found] };
}
