/**
 * The stand-in Smart Charging service's station: the profiles it starts with, and which registry entry a message on
 * its request topic is (each entry decides what its request does: messages/). Pure: the caller owns the profile set
 * and the clock.
 */
import { describeSchemaError } from '../core/validate.js';
import type { HeldProfile } from '../core/profile.js';
import type { ServiceLogEntry } from '../output/records.js';

export type { ServiceLogEntry };
import type { Envelope, ServedMessage } from '../messages/kind.js';
import { validate as validateChargingProfiles } from '../core/generated/validators/charging_profiles.js';
import type { ErrorObject } from 'ajv';


type WholeProfile = NonNullable<HeldProfile['charging_profile']>;
type Period = WholeProfile['charging_schedule'][number]['charging_schedule_period'][number];

/** One built-in profile: what clear selects on, beside the whole profile a schedule is computed from. */
function builtIn(evse: string, profile: Omit<WholeProfile, 'charging_schedule'>, schedule: { unit: 'A' | 'W'; start?: string; periods: Array<[number, number]> }): HeldProfile {
  const periods = schedule.periods.map(([start_period, limit]): Period => ({ start_period, limit }));
  return {
    id: profile.id,
    evse_id: evse,
    charging_profile_purpose: profile.charging_profile_purpose,
    stack_level: profile.stack_level,
    charging_profile: {
      ...profile,
      charging_schedule: [{ id: 1, ...(schedule.start ? { start_schedule: schedule.start } : {}), charging_rate_unit: schedule.unit, charging_schedule_period: periods as [Period, ...Period[]] }],
    },
  };
}

const SINCE = '2026-01-01T00:00:00Z';

/**
 * A few EVSEs and all four purposes, so every kind of clear has something to act on, and whole profiles, so that
 * `scp schedule` shows stack levels, Tx over TxDefault, recurrence and the station bounds at work. EVSE "0" is the
 * station. GB*SEV*E001 has a transaction (BUILT_IN_TRANSACTIONS) for its TxProfile; GB*SEV*E002's TxProfile belongs
 * to one that is over, so it does not count.
 */
export const BUILT_IN_PROFILES: readonly HeldProfile[] = [
  builtIn('GB*SEV*E001', { id: 1, stack_level: 0, charging_profile_purpose: 'TxProfile', charging_profile_kind: 'Relative', transaction_id: 'TX-E001' }, { unit: 'A', periods: [[0, 32], [3600, 16]] }),
  builtIn('GB*SEV*E001', { id: 2, stack_level: 0, charging_profile_purpose: 'TxDefaultProfile', charging_profile_kind: 'Absolute' }, { unit: 'W', start: SINCE, periods: [[0, 7400]] }),
  builtIn('GB*SEV*E002', { id: 3, stack_level: 1, charging_profile_purpose: 'TxProfile', charging_profile_kind: 'Absolute', transaction_id: 'TX-E002' }, { unit: 'W', start: SINCE, periods: [[0, 11000]] }),
  // Cheaper at night: 32 A from 22:00 to 06:00 UTC, 16 A by day.
  builtIn('GB*SEV*E002', { id: 4, stack_level: 0, charging_profile_purpose: 'TxDefaultProfile', charging_profile_kind: 'Recurring', recurrency_kind: 'Daily' }, { unit: 'A', start: '2026-01-01T22:00:00Z', periods: [[0, 32], [28800, 16]] }),
  builtIn('GB*SEV*E003', { id: 5, stack_level: 2, charging_profile_purpose: 'TxDefaultProfile', charging_profile_kind: 'Absolute' }, { unit: 'W', start: SINCE, periods: [[0, 22000]] }),
  // The grid connection: 100 A, 63 A at the evening peak (17:00 to 21:00 UTC).
  builtIn('0', { id: 6, stack_level: 0, charging_profile_purpose: 'ChargingStationMaxProfile', charging_profile_kind: 'Recurring', recurrency_kind: 'Daily' }, { unit: 'A', start: SINCE, periods: [[0, 100], [61200, 63], [75600, 100]] }),
  builtIn('0', { id: 7, stack_level: 0, charging_profile_purpose: 'ChargingStationExternalConstraints', charging_profile_kind: 'Absolute' }, { unit: 'A', start: SINCE, periods: [[0, 90]] }),
];

/** The transactions of the built-in station (with the built-in profiles): one on GB*SEV*E001, from the simulator's start. */
export const BUILT_IN_TRANSACTIONS: ReadonlyArray<{ evse: string; id: string }> = [{ evse: 'GB*SEV*E001', id: 'TX-E001' }];

/** Checks a parsed profiles file; problems name the entry and field (`entry 2 (id 7): evse_id ...`). */
export function checkProfiles(data: unknown): { ok: true; profiles: HeldProfile[] } | { ok: false; problem: string } {
  const validate = validateChargingProfiles as ((d: unknown) => boolean) & { errors?: ErrorObject[] | null };
  if (!validate(data)) {
    const error = validate.errors![0]!;
    const [, index, ...field] = error.instancePath.split('/');
    if (index === undefined) return { ok: false, problem: 'expected a JSON array of profiles' };
    const entry = (data as unknown[])[Number(index)] as { id?: unknown } | undefined;
    const label = `entry ${Number(index) + 1}${typeof entry?.id === 'number' ? ` (id ${entry.id})` : ''}`;
    const detail = describeSchemaError({ ...error, instancePath: field.map((f) => `/${f}`).join('') }, entry, label);
    return { ok: false, problem: field.length ? `${label}: ${detail.slice(1)}` : detail };
  }
  const profiles = data as HeldProfile[];
  const seen = new Map<number, number>();
  for (const [i, profile] of profiles.entries()) {
    const first = seen.get(profile.id);
    if (first !== undefined) {
      return { ok: false, problem: `entry ${i + 1}: id ${profile.id} is already used by entry ${first + 1}` };
    }
    seen.set(profile.id, i);
  }
  return { ok: true, profiles };
}

/** What the service does with one message on its request topic: which registry entry it is, if any. */
export type Handling =
  | { kind: 'ignore'; reason: string }
  | { kind: 'serve'; message: ServedMessage; request: Envelope<'request'> }
  | { kind: 'refuse'; message: ServedMessage; requestId: string; response: Envelope<'response'> | undefined; problems: string[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function handleRequest(payload: Uint8Array, messages: readonly ServedMessage[]): Handling {
  let envelope: unknown;
  try {
    envelope = JSON.parse(utf8.decode(payload));
  } catch {
    return { kind: 'ignore', reason: 'not UTF-8 JSON' };
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    return { kind: 'ignore', reason: 'not a JSON object' };
  }
  const fields = envelope as Record<string, unknown>;
  const message = messages.find((m) => m.name === fields.name);
  if (message === undefined || fields.type !== 'request') {
    const names = messages.map((m) => m.name).join(', ').replace(/, ([^,]*)$/, ' or $1');
    return { kind: 'ignore', reason: `not a ${names} request (name ${JSON.stringify(fields.name)}, type ${JSON.stringify(fields.type)})` };
  }
  const checked = message.checkRequestOnWire(envelope);
  if (checked.ok) return { kind: 'serve', message, request: checked.value };
  // A malformed request is answered, not dropped, so its sender is not left waiting; that needs an id to answer to.
  if (typeof fields.id !== 'string' || fields.id === '') {
    return { kind: 'ignore', reason: `invalid request with no id to answer to: ${checked.problems.join('; ')}` };
  }
  return { kind: 'refuse', message, requestId: fields.id, problems: checked.problems, response: message.refuse(fields.id, checked.problems) };
}


/**
 * A decision applied to a station's profiles, in place: what it removed taken out, what it installed added. A
 * profile it names that the station does not hold is left alone: `splice(indexOf(...))` would have removed the last
 * profile for it (indexOf's -1).
 */
export function applyChanges(profiles: HeldProfile[], removed: readonly HeldProfile[], added: readonly HeldProfile[]): void {
  for (const profile of removed) {
    const at = profiles.indexOf(profile);
    if (at !== -1) profiles.splice(at, 1);
  }
  profiles.push(...added);
}
