/**
 * When no answer comes: what scp saw on the response topic while it waited (nothing, answers to other requests,
 * messages it could not read), and the words that say so, with what to check. Silence is the most common failure on a
 * live network (a wrong broker, topic prefix or station, a service that is down), and "no answer" alone names none of
 * them. Pure: the exchange and a stream's correlator count, these words say.
 */
import type { Foreign } from './response.js';

/** What came on the response topic that was not the answer, as a record's `seen` says it. */
export interface Seen {
  /** Answers to other requests (another id). */
  other_answers: number;
  /** Messages that are no answer at all: not UTF-8, not JSON, not an object. */
  unreadable: number;
  /** Anything else: stored before scp listened (retained), or under our id but no answer (our own request again). */
  other: number;
}

export class SeenTally {
  readonly seen: Seen = { other_answers: 0, unreadable: 0, other: 0 };

  add(about: Foreign): void {
    if (about === 'other-id') this.seen.other_answers++;
    else if (about === 'unreadable') this.seen.unreadable++;
    else this.seen.other++;
  }
}

/** Where a request went and its answer was awaited, and the flags that set those topics. */
export interface Awaited {
  broker: string;
  requestTopic: string;
  responseTopic: string;
  /** The flags of the request and response topics (--request-topic, --response-topic, or the status pair). */
  flags: readonly [string, string];
  /** The topics are the Smart Charging service's (scp status can then ask whether it is up). */
  smartCharging: boolean;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What came, in words: `nothing came on that topic`, `3 answers to other requests came, none to this one`. */
export function whatCame(seen: Seen): string {
  const parts = [
    seen.other_answers > 0 ? plural(seen.other_answers, 'answer to another request', 'answers to other requests') : '',
    seen.unreadable > 0 ? plural(seen.unreadable, 'message scp could not read (not JSON)', 'messages scp could not read (not JSON)') : '',
    seen.other > 0 ? plural(seen.other, 'other message', 'other messages') : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'nothing came on that topic' : `${parts.join(' and ')} came, none an answer to it`;
}

/** What to check, from what came. */
export function whatToCheck(seen: Seen, at: Awaited): string {
  const [request, response] = at.flags;
  if (seen.other_answers > 0) {
    return `something answers on ${at.responseTopic}, but not this request: is it one that service serves on ${at.requestTopic}, or does it answer slowly (--timeout)?`;
  }
  if (seen.unreadable > 0) return `something else publishes on ${at.responseTopic}: is ${response} the service's answer topic?`;
  const service = at.smartCharging ? 'a Smart Charging service' : "the station's service";
  const status = at.smartCharging ? '; scp status asks whether the service is up' : '';
  return `is ${service} connected to this broker? Check --broker, ${request} and ${response} (or --station)${status}`;
}

/** The same, once for a stream: how many of its requests got no answer within `seconds`. */
export function streamSilence(timedOut: number, seen: Seen, at: Awaited, seconds: number, fate: string): string {
  return `${plural(timedOut, 'request', 'requests')} got no answer within ${seconds} s on ${at.responseTopic} at ${at.broker}: ${whatCame(seen).replace('none an answer to it', 'none an answer to them')} (${fate}); ${whatToCheck(seen, at)}`;
}

/** The whole account of a request that got no answer within `seconds`: what came, the fate, what to check. */
export function silence(seen: Seen, at: Awaited, seconds: number, fate: string): string {
  return `no answer within ${seconds} s on ${at.responseTopic} at ${at.broker}: ${whatCame(seen)} (${fate}); ${whatToCheck(seen, at)}`;
}
