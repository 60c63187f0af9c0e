/**
 * Values operators type for more than one message or command, each with its one parser and its one wording: a
 * refusal names the flag and says what is allowed. Pure.
 */
import { UsageError } from './errors.js';
import { didYouMeanValue } from './similar.js';
import type { ChargingProfilePurpose } from './generated/types.js';

/** OCPP 2.0.1 ChargingProfilePurposeEnumType: the purposes in the order the spec lists them; the check below fails `tsc` if the schema's enum changes. */
export const PURPOSES = [
  'ChargingStationExternalConstraints',
  'ChargingStationMaxProfile',
  'TxDefaultProfile',
  'TxProfile',
] as const satisfies readonly ChargingProfilePurpose[];
type MissingPurpose = Exclude<ChargingProfilePurpose, (typeof PURPOSES)[number]>;
const purposesCoverSchema: [MissingPurpose] extends [never] ? true : MissingPurpose = true;
void purposesCoverSchema;

/** A limit's units as written, by their lower case. */
const UNITS: Record<string, 'A' | 'W' | 'kW'> = { a: 'A', w: 'W', kw: 'kW' };

/** Whether a word is a limit's unit alone (`kW`, `a`): what a shell split from its number (`--limit 11 kW`). */
export const isLimitUnit = (word: string): boolean => Object.hasOwn(UNITS, word.toLowerCase());

/** `--purpose: "txprofile" is not allowed; expected one of ... (did you mean TxProfile?)`: a value outside a list. */
export function notOneOf(flag: string, raw: string, allowed: readonly string[], expected = `one of ${allowed.join(', ')}`): UsageError {
  return new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected ${expected}${didYouMeanValue(raw, allowed)}`);
}

/** A rate unit written in any case (`a`, `w`), as the schema spells it (`A`, `W`); anything else as it was. */
export const rateUnit = (value: unknown): unknown => (typeof value === 'string' && /^[aw]$/i.test(value) ? value.toUpperCase() : value);

/** The same for every `charging_rate_unit` in a request's data as an input line or file writes it (the schema then judges). */
export function rateUnitsInAnyCase(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(rateUnitsInAnyCase);
  if (data === null || typeof data !== 'object') return data;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, key === 'charging_rate_unit' ? rateUnit(value) : rateUnitsInAnyCase(value)]));
}

/** `16A`, `7400W`, `7.4kW` (sent as W): a bare number or another unit is refused, a limit is never guessed at. */
export function parseLimit(raw: string, flag = '--limit'): { unit: 'A' | 'W'; limit: number } {
  // The unit in any case: a, w, kw and KW say nothing else (there is no milliwatt or megawatt limit to mistake).
  const match = /^([0-9]+(?:\.[0-9]+)?)(a|w|kw)$/i.exec(raw);
  const spaced = /^\s*([0-9]+(?:\.[0-9]+)?)\s+(a|w|kw)\s*$/i.exec(raw);
  if (spaced) throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; write the number and its unit together: ${spaced[1]}${UNITS[spaced[2]!.toLowerCase()]}`);
  if (!match) throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected a number with its unit: 16A, 7400W or 7.4kW`);
  const value = Number(match[1]);
  const unit = UNITS[match[2]!.toLowerCase()]!;
  // kW to W without binary fractions: 7.4kW is 7400 W, not 7400.000000000001.
  return unit === 'kW' ? { unit: 'W', limit: Math.round(value * 1000 * 1000) / 1000 } : { unit, limit: value };
}

const isTimeWithZone = (raw: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) && !Number.isNaN(Date.parse(raw));

/** The seconds in each unit a duration may be written in (30m, 2h, 1d). */
const SECONDS_IN = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** An ISO 8601 time with a zone, sent in UTC and whole seconds; a time without a zone would be a guess. */
export function parseTime(flag: string, raw: string): string {
  if (!isTimeWithZone(raw)) throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected an ISO 8601 time with a zone, e.g. 2026-12-01T18:00:00Z`);
  return wholeSecondsUtc(new Date(raw));
}

export const wholeSecondsUtc = (time: Date) => `${new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;

/**
 * From when, as an operator says it in an audit: a time with a zone, a day alone (from local midnight, as `date` and
 * journalctl read one), or how long ago (30m, 2h, 7d, as docker logs --since). Milliseconds since the epoch.
 */
export function parseSince(flag: string, raw: string, now: number): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const midnight = new Date(year, month - 1, date);
    if (midnight.getFullYear() === year && midnight.getMonth() === month - 1 && midnight.getDate() === date) return midnight.getTime();
  } else if (/^[0-9]+[smhd]$/.test(raw)) {
    // A unit is required: a bare number (2026?) is more likely a mistyped time than seconds ago.
    const seconds = Number(raw.slice(0, -1)) * SECONDS_IN[raw.slice(-1) as keyof typeof SECONDS_IN];
    if (seconds >= 1 && Number.isSafeInteger(seconds * 1000)) return now - seconds * 1000;
  } else if (isTimeWithZone(raw)) {
    return Date.parse(parseTime(flag, raw));
  }
  throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected a time with a zone (2026-12-01T18:00:00Z), a day (2026-12-01, from local midnight) or how long ago (30m, 2h, 7d)`);
}

/** Seconds, or 30m, 2h, 1d. */
export function parseDuration(raw: string, flag = '--duration'): number {
  const match = /^([0-9]+)(s|m|h|d)?$/.exec(raw);
  const seconds = match ? Number(match[1]) * SECONDS_IN[(match[2] ?? 's') as keyof typeof SECONDS_IN] : NaN;
  if (!(seconds >= 1 && seconds <= 2147483647)) {
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected a whole number of seconds above 0, or 30m, 2h, 1d`);
  }
  return seconds;
}

/** As the schemas allow an EVSE id: non-empty, no whitespace or control characters. */
const EVSE_ID = /^[^\s\u0000-\u001f\u007f]+$/;

export function checkEvse(flag: string, raw: string): string {
  if (!EVSE_ID.test(raw)) throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected a non-empty EVSE id without spaces or control characters, e.g. GB*SEV*123`);
  return raw;
}

/**
 * Digits only, in a range (`1e3`, `0x10`, `1.0`, ` 7` refused, never guessed at): a mistyped id on a live network
 * installs or replaces the wrong profile. The one parser of a whole-number flag.
 */
export function wholeNumber(flag: string, raw: string, min: number, max: number, what = `an integer from ${min} to ${max}`): number {
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected ${what}`);
  return n;
}

/** `<evse>=<transaction_id>[@<ISO start>]` (`scp simulate --transaction`): one active transaction on an EVSE (never
 * the station's "0"); `raw` kept for the station's own checks across values. */
export function parseTransaction(raw: string, flag = '--transaction'): { raw: string; evse: string; id: string; start?: Date } {
  const match = /^([^=]+)=([^@]{1,36})(?:@(.*))?$/.exec(raw);
  if (!match) throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected <evse>=<transaction_id>[@<ISO start>], e.g. 1=TX-42@2026-12-01T17:30:00Z (an id of 1 to 36 characters)`);
  const [, evse, id, start] = match as unknown as [string, string, string, string | undefined];
  checkEvse(flag, evse);
  if (evse === '0') throw new UsageError(`${flag}: ${JSON.stringify(raw)}: a transaction is on an EVSE, not on the station ("0")`);
  return { raw, evse, id, ...(start === undefined ? {} : { start: new Date(parseTime(flag, start)) }) };
}

/** Volts above 0 (`scp simulate --supply-voltage`), digits with an optional fraction. */
export function parseVolts(raw: string, flag = '--supply-voltage'): number {
  const volts = /^[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(volts > 0 && volts <= 100_000)) throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected volts above 0, e.g. 230`);
  return volts;
}
