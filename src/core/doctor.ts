/**
 * `scp doctor`'s judgements: from what was found (the broker's connection, the service's status, a composite
 * schedule's round trip and its schedule_start), one check each, pass, warn or fail, with what it found and, when it
 * is not a pass, what to do. A check that could not be made, since one before it failed, is a skip. Pure: the pipeline
 * (pipeline/doctor.ts) finds, output/doctor.ts shows.
 */
import type { Settled } from './result.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export type CheckName = 'broker' | 'service' | 'round_trip' | 'clock';

/** One line of the checklist; `figures` are what --json adds beside name, status and detail. */
export interface Check {
  name: CheckName;
  status: CheckStatus;
  detail: string;
  figures: Readonly<Record<string, string | number | boolean | null>>;
}

const DAY_MS = 86_400_000;
/** A certificate that expires within this many days warns: time to renew it before the broker goes dark. */
export const CERTIFICATE_WARN_DAYS = 30;
/** A round trip slower than this warns: the service answers, but a script's --timeout may be short for it. */
export const SLOW_MS = 1000;
/** Clocks further apart than this warn, and than the second fail: an Absolute profile computed here starts that far off. */
export const CLOCK_WARN_S = 5;
export const CLOCK_FAIL_S = 60;

const check = (name: CheckName, status: CheckStatus, detail: string, figures: Check['figures'] = {}): Check => ({ name, status, detail, figures });

/** A check that was not made: `why` says which one before it failed. */
export const skipped = (name: CheckName, why: string): Check => check(name, 'skip', `not checked: ${why}`);

/** What connecting found: where, how (TLS and its certificate), who, and which MQTT version the broker accepted. */
export interface BrokerFound {
  /** The broker's URL, its password removed. */
  broker: string;
  tls: boolean;
  certificate?: { validTo: string; subject?: string };
  insecure: boolean;
  username?: string;
  mqttVersion: '3.1.1' | '5';
  now: number;
}

/** The certificate's part of the broker's line, and whether it warns or fails. */
function certificateWords(found: BrokerFound): { words: string; status: CheckStatus; days: number | null } {
  if (!found.tls) return { words: 'no TLS', status: 'pass', days: null };
  if (found.certificate === undefined) return { words: 'TLS (its certificate is not read over WebSocket)', status: found.insecure ? 'warn' : 'pass', days: null };
  const days = Math.floor((Date.parse(found.certificate.validTo) - found.now) / DAY_MS);
  const whose = found.certificate.subject === undefined ? 'its certificate' : `the certificate of ${found.certificate.subject}`;
  if (days < 0) return { words: `TLS, but ${whose} expired ${-days} day${-days === 1 ? '' : 's'} ago (${found.certificate.validTo}): renew it`, status: 'fail', days };
  const left = `${whose} expires in ${days} day${days === 1 ? '' : 's'} (${found.certificate.validTo})`;
  if (found.insecure) return { words: `TLS, ${left}, but not checked (--insecure): pass --ca with the broker's CA instead`, status: 'warn', days };
  if (days < CERTIFICATE_WARN_DAYS) return { words: `TLS, ${left}: renew it`, status: 'warn', days };
  return { words: `TLS, ${left}`, status: 'pass', days };
}

export function brokerCheck(found: BrokerFound): Check {
  const certificate = certificateWords(found);
  const login = found.username === undefined ? 'connected without a user name' : `logged in as ${found.username}`;
  return check('broker', certificate.status, `${found.broker} reached; ${certificate.words}; ${login}; MQTT ${found.mqttVersion} accepted`, {
    broker: found.broker,
    tls: found.tls,
    days_to_expiry: certificate.days,
    username: found.username ?? null,
    mqtt_version: found.mqttVersion,
  });
}

/** No broker took the connection: the transport's words, with the advice for it. */
export const brokerFailed = (broker: string, words: string): Check => check('broker', 'fail', words, { broker });

/** A service_status answer's data, as the check reads it. */
export interface ServiceFound {
  service: string;
  status: string;
  software_version?: string;
  api_version?: string;
}

/** What to do about a service that is not ready, by its status. */
const NOT_READY: Record<string, string> = {
  starting: 'wait until it is ready, then run scp doctor again',
  busy: 'it is temporarily unavailable: try again shortly',
  stopping: 'check the service on the station',
  error: 'check the service on the station (its logs)',
};

/** What an answer that is no answer, or none at all, means for a check: a fail, in the words the request path uses. */
function unanswered(name: CheckName, settled: Exclude<Settled, { kind: 'answer' }>): Check {
  if (settled.kind === 'failed') return check(name, 'fail', settled.error.message);
  return check(name, 'fail', `an answer with our id that is not as the API says: ${settled.problems.join('; ')}`);
}

/** `apiWarning`: what the status message says of the answer's API version, when scp's schemas do not follow it. */
export function serviceCheck(settled: Settled, apiWarning: string | undefined): Check {
  if (settled.kind !== 'answer') return unanswered('service', settled);
  const found = settled.response.data as ServiceFound;
  const figures = { service_status: found.status, api_version: found.api_version ?? null, software_version: found.software_version ?? null };
  const versions = [found.software_version === undefined ? '' : `software ${found.software_version}`, found.api_version === undefined ? '' : `API ${found.api_version}`].filter(Boolean);
  const said = `${found.service} is ${found.status}${versions.length ? ` (${versions.join(', ')})` : ''}`;
  if (found.status !== 'ready') return check('service', 'fail', `${said}: ${NOT_READY[found.status] ?? 'it is not ready'}`, figures);
  if (apiWarning !== undefined) return check('service', 'warn', `${said}; ${apiWarning}`, figures);
  return check('service', 'pass', said, figures);
}

/** A composite schedule's answer, as the round trip and the clock read it. */
interface ScheduleFound {
  status: string;
  schedule?: { schedule_start: string };
  status_info?: { reason_code: string; additional_info?: string };
}

export function roundTripCheck(settled: Settled, ms: number, asked: { evse: string; responseTopic: string }): Check {
  if (settled.kind !== 'answer') return unanswered('round_trip', settled);
  const found = settled.response.data as ScheduleFound;
  const figures = { ms: Math.round(ms), evse_id: asked.evse, response_topic: asked.responseTopic };
  const answered = `get_composite_schedule for EVSE ${asked.evse} answered on ${asked.responseTopic} in ${Math.round(ms)} ms`;
  if (found.status !== 'Accepted') {
    const why = found.status_info === undefined ? '' : ` (${found.status_info.reason_code}${found.status_info.additional_info ? `: ${found.status_info.additional_info}` : ''})`;
    return check('round_trip', 'warn', `${answered}, but ${found.status}${why}: does the station have EVSE ${asked.evse}? (--evse; 0 is the whole station)`, figures);
  }
  if (ms > SLOW_MS) return check('round_trip', 'warn', `${answered}: slow (over ${SLOW_MS / 1000} s); scripts may need a longer --timeout`, figures);
  return check('round_trip', 'pass', answered, figures);
}

/** 75 s -> "1 min 15 s"; 2 h 5 min; 3 s. */
export function spanWords(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

/**
 * The station's clock against ours: the composite's schedule_start is the station's now when it computed the answer
 * (a whole second: the station drops the fraction, so a second apart is still agreement), `arrivedAt` ours when the
 * answer came.
 */
export function clockCheck(settled: Settled, arrivedAt: number): Check {
  const start = settled.kind === 'answer' ? (settled.response.data as ScheduleFound).schedule?.schedule_start : undefined;
  // Answered without a schedule (Rejected): the station is there, its clock unread; that is worth a warning, not
  // silence, since it is what an Absolute profile's start depends on.
  if (start === undefined && settled.kind === 'answer') return check('clock', 'warn', 'not checked: the answer has no schedule to read the station\'s time from; give an --evse the station has');
  if (start === undefined) return skipped('clock', 'no composite schedule came to read the station\'s time from');
  const skew = (Date.parse(start) - arrivedAt) / 1000;
  const figures = { skew_s: Math.round(skew * 10) / 10, station_time: start };
  const apart = Math.abs(skew);
  if (apart <= 1.5) return check('clock', 'pass', 'the station\'s clock agrees with ours (within a second)', figures);
  const words = `the station's clock is ${spanWords(skew)} ${skew < 0 ? 'behind' : 'ahead of'} ours`;
  if (apart <= CLOCK_WARN_S) return check('clock', 'pass', words, figures);
  const advice = `an Absolute profile whose start scp computes starts ${spanWords(skew)} off on the station; set its clock (NTP)`;
  return check('clock', apart > CLOCK_FAIL_S ? 'fail' : 'warn', `${words}: ${advice}`, figures);
}

/** The worst status of a station's checks: what its line in a fleet's summary counts as (a skip is no pass). */
export function worstOf(checks: readonly Check[]): 'pass' | 'warn' | 'fail' {
  if (checks.some((one) => one.status === 'fail' || one.status === 'skip')) return 'fail';
  return checks.some((one) => one.status === 'warn') ? 'warn' : 'pass';
}
