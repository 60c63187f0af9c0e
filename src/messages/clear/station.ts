/**
 * What the simulated station does with clear_charging_profile (OCPP 2.0.1 K10): which profiles a request removes,
 * and the answer. Loaded by the simulator only.
 */
import type { ClearChargingProfileRequest, ClearChargingProfileResponse } from '../../core/generated/types.js';
import type { HeldProfile } from '../../core/profile.js';
import type { StationSide } from '../kind.js';

function matchesCriteria(profile: HeldProfile, request: ClearChargingProfileRequest): boolean {
  const criteria = request.data.charging_profile_criteria;
  if (!criteria) return false;
  // OCPP 2.0.1 ClearChargingProfileType: each field clears profiles "if they meet the other criteria in the
  // request" (ANDed), and an absent field "means the clearing applies to all charging profiles that match the
  // other criteria". evseId 0 "specifies the charging profile for the overall Charging Station": a real value,
  // compared exactly like any other EVSE id (here a string, per the service's spec).
  return (
    (criteria.evse_id === undefined || criteria.evse_id === profile.evse_id) &&
    (criteria.charging_profile_purpose === undefined || criteria.charging_profile_purpose === profile.charging_profile_purpose) &&
    (criteria.stack_level === undefined || criteria.stack_level === profile.stack_level)
  );
}

export interface ClearDecision {
  /** The profiles the request removes; the caller deletes them from its set. */
  removed: HeldProfile[];
  response: ClearChargingProfileResponse;
}

/** What a valid request clears, and the answer: accepted when at least one profile went, unknown otherwise. */
export function decideClear(profiles: readonly HeldProfile[], request: ClearChargingProfileRequest): ClearDecision {
  const { charging_profile_id: id } = request.data;
  const selected = profiles.filter((profile) =>
    // K10 (ClearChargingProfileRequest): clear "either a specific charging profile (denoted by id) or a selection
    // of charging profiles that match" the criteria; an id selects that profile alone, criteria not consulted.
    id !== undefined ? profile.id === id : matchesCriteria(profile, request),
  );
  // K10.FR.06: ChargingStationExternalConstraints profiles are set by an external system, never cleared this way.
  const removed = selected.filter((profile) => profile.charging_profile_purpose !== 'ChargingStationExternalConstraints');
  const protectedOnly = removed.length === 0 && selected.length > 0;
  const data: ClearChargingProfileResponse['data'] =
    removed.length > 0
      ? { status: 'accepted' }
      : protectedOnly
        ? { status: 'unknown', status_info: { reason_code: 'NotAllowed', additional_info: 'ChargingStationExternalConstraints profiles cannot be cleared (OCPP 2.0.1 K10.FR.06)' } }
        : { status: 'unknown' };
  return { removed, response: { id: request.id, name: 'clear_charging_profile', type: 'response', data } };
}

export const clearStation: StationSide<ClearChargingProfileRequest, ClearChargingProfileResponse> = {
  decide: (profiles, request) => decideClear(profiles, request),
  refuse: (id, problems) => ({
    id,
    name: 'clear_charging_profile',
    type: 'response',
    data: { status: 'unknown', status_info: { reason_code: 'InvalidRequest', additional_info: problems.join('; ') } },
  }),
};
