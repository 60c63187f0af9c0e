/**
 * The profiles a simulated station starts with: a --profiles file (entries in the simulator's shape, or shaped like
 * set's request data, whole profiles kept), or the built-in station's. Pure: the command reads the file.
 */
import { UsageError } from '../core/errors.js';
import type { HeldProfile } from '../core/profile.js';
import type { SetChargingProfileRequestData } from '../core/generated/types.js';
import { CHECK_ID, requestEnvelope } from '../messages/kind.js';
import { set, storedProfile } from '../messages/set/index.js';
import { BUILT_IN_PROFILES, checkProfiles } from './dispatch.js';

/** The profiles the station starts with: --profiles (its path and text), else the built-in station's (none for a station of --evses). */
export function startingProfiles(file: { path: string; text: string } | undefined, evses: string | undefined): HeldProfile[] {
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
 * checked against set's schema only (not the rules a new profile must pass). Other entries: undefined.
 */
function installedProfile(entry: unknown, index: number, path: string): { stored: HeldProfile; project: object } | undefined {
  if (entry === null || typeof entry !== 'object' || !('charging_profile' in entry)) return undefined;
  const checked = set.checkRequestOnWire(requestEnvelope(set, entry as SetChargingProfileRequestData, CHECK_ID));
  if (!checked.ok) {
    throw new UsageError(`--profiles: ${JSON.stringify(path)}: entry ${index + 1}: ${checked.problems.join('; ').replace(/\/data\//g, '')}`);
  }
  const stored = storedProfile(checked.value.data);
  const { charging_profile: _whole, ...project } = stored;
  return { stored, project };
}

