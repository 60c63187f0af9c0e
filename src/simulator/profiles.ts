/**
 * The profiles a simulated station starts with: the built-in station's (declared here), or a --profiles file (entries
 * in the simulator's shape, or shaped like set's request data, whole profiles kept), checked as a station checks what
 * it holds. Pure: the command reads the file. `scp simulate` starts its station here, and so does a schedule computed
 * without a station to ask.
 */
import { parseJson } from '../core/json.js';
import { UsageError } from '../core/errors.js';
import type { HeldProfile } from '../core/profile.js';
import type { StationModel } from '../core/composite.js';
import { stationAt, stationConfig, withEvses, type StationConfig, type StationSettings } from './station.js';
import type { SetChargingProfileRequestData } from '../core/generated/types.js';
import { CHECK_ID, requestEnvelope } from '../messages/kind.js';
import { limitsRule, set, storedProfile } from '../messages/set/index.js';
import { heldRefusal } from '../messages/set/validation.js';
import { describeSchemaError } from '../core/validate.js';
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

/** The profiles the station starts with: --profiles (its path and text), else the built-in station's (none for a station of --evses). */
export function startingProfiles(file: { path: string; text: string } | undefined, evses: number | undefined): HeldProfile[] {
  if (file === undefined) return evses === undefined ? BUILT_IN_PROFILES.map((profile) => ({ ...profile })) : [];
  const { path, text } = file;
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UsageError(`--profiles: ${JSON.stringify(path)} is ${parsed.problem}`);
  const data = parsed.value;
  const installed = Array.isArray(data) ? data.map((entry, i) => installedProfile(entry, i, path)) : [];
  // Every entry is checked in the simulator's shape; a set-shaped one by its projection, its whole profile kept.
  const checked = checkProfiles(Array.isArray(data) ? data.map((entry, i) => installed[i]?.project ?? entry) : data);
  if (!checked.ok) throw new UsageError(`--profiles: ${JSON.stringify(path)}: ${checked.problem}`);
  return checked.profiles.map((profile, i) => installed[i]?.stored ?? profile);
}

/**
 * A --profiles entry shaped like set's request data ({evse_id?, charging_profile}): the station's current state, so
 * checked against set's schema here, and as a station checks what it holds by checkHeld. Other entries: undefined.
 */
function installedProfile(entry: unknown, index: number, path: string): { stored: HeldProfile; project: object } | undefined {
  if (entry === null || typeof entry !== 'object' || !('charging_profile' in entry)) return undefined;
  const checked = set.checkRequestFields(requestEnvelope(set, entry as SetChargingProfileRequestData, CHECK_ID));
  if (!checked.ok) {
    throw new UsageError(`--profiles: ${JSON.stringify(path)}: entry ${index + 1}: ${checked.problems.join('; ')}`);
  }
  // A limit of more than one decimal is no OCPP limit (the rest of K01 is the station's check, checkHeld, in libocpp's words).
  const problem = limitsRule(checked.value.data, 'fields');
  if (problem !== undefined) throw new UsageError(`--profiles: ${JSON.stringify(path)}: entry ${index + 1}: ${problem}`);
  const stored = storedProfile(checked.value.data);
  const { charging_profile: _whole, ...project } = stored;
  return { stored, project };
}


/**
 * A --profiles file as a station would hold it: each entry checked as libocpp checks what it holds (heldRefusal),
 * against the entries before it and the station (its EVSEs and transactions), so a conflicting pair is named at its
 * second entry. The built-in profiles are not checked: GB*SEV*E002's TxProfile is kept, on purpose, for a
 * transaction that is over, to show that such a profile no longer counts.
 */
export function checkHeld(path: string, profiles: readonly HeldProfile[], station: StationModel): void {
  for (const [i, entry] of profiles.entries()) {
    const refusal = heldRefusal(profiles.slice(0, i), entry, station);
    if (refusal) throw new UsageError(`--profiles: ${JSON.stringify(path)}: entry ${i + 1} (id ${entry.id}): a station refuses it: ${refusal.result} (${refusal.detail})`);
  }
}

/** A --profiles file as read: its path (for refusals) and its text. */
export type ProfilesFile = { path: string; text: string };

/**
 * The station the options describe, as `scp simulate` starts it and a schedule computed here computes with it: its
 * profiles (the file's, checked as a station checks what it holds; else the built-in station's, with its transaction
 * unless --transaction, --evses or --profiles is given) and its settings, its EVSEs fixed (withEvses). `now` is when
 * a transaction given without a start began.
 */
export function openStation(settings: StationSettings, file: ProfilesFile | undefined, now: Date): { config: StationConfig; profiles: HeldProfile[] } {
  const builtIn = file === undefined && settings.transaction.length === 0 && settings.evses === undefined;
  const transaction = builtIn ? BUILT_IN_TRANSACTIONS.map(({ evse, id }) => ({ raw: `${evse}=${id}`, evse, id })) : settings.transaction;
  const profiles = startingProfiles(file, settings.evses);
  const config = withEvses(stationConfig({ ...settings, transaction }), profiles);
  if (file) checkHeld(file.path, profiles, stationAt(config, profiles, now, now));
  return { config, profiles };
}
