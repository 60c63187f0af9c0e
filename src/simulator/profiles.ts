/**
 * The profiles a simulated station starts with: a --profiles file (entries in the simulator's shape, or shaped like
 * set's request data, whole profiles kept), or the built-in station's. Pure: the command reads the file.
 */
import { UsageError } from '../core/errors.js';
import type { HeldProfile } from '../core/profile.js';
import type { StationModel } from '../core/composite.js';
import { stationAt, stationConfig, withEvses, type StationConfig, type StationSettings } from './station.js';
import type { SetChargingProfileRequestData } from '../core/generated/types.js';
import { CHECK_ID, requestEnvelope } from '../messages/kind.js';
import { limitsRule, set, storedProfile } from '../messages/set/index.js';
import { heldRefusal } from '../messages/set/validation.js';
import { BUILT_IN_PROFILES, BUILT_IN_TRANSACTIONS, checkProfiles } from './dispatch.js';

/** The profiles the station starts with: --profiles (its path and text), else the built-in station's (none for a station of --evses). */
export function startingProfiles(file: { path: string; text: string } | undefined, evses: number | undefined): HeldProfile[] {
  if (file === undefined) return evses === undefined ? BUILT_IN_PROFILES.map((profile) => ({ ...profile })) : [];
  const { path, text } = file;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--profiles: ${JSON.stringify(path)} is not JSON (${(err as Error).message})`);
  }
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
  const checked = set.checkRequestOnWire(requestEnvelope(set, entry as SetChargingProfileRequestData, CHECK_ID));
  if (!checked.ok) {
    throw new UsageError(`--profiles: ${JSON.stringify(path)}: entry ${index + 1}: ${checked.problems.join('; ').replace(/\/data\//g, '')}`);
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
 * The station the options describe, as `scp simulate` starts it and `scp schedule --offline` computes with it: its
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
