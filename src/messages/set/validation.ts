/**
 * How a station checks a profile before it installs it, as EVerest's libocpp does (lib/everest/ocpp/lib/ocpp/v2/
 * functional_blocks/smart_charging.cpp in EVerest/everest-core: handle_set_charging_profile_req,
 * conform_and_validate_profile and the validate_* functions it calls), in its order, with its
 * ProfileValidationResultEnum names and the reason codes its profile_validation_result_to_reason_code gives them.
 * Against the profiles the station holds and the station itself (its EVSEs and their transactions). Pure: the
 * simulator's station (station.ts) answers with it, and --profiles is checked with it at start (heldRefusal).
 *
 * Results libocpp has that never arise here, and why: ChargingProfileEmptyChargingSchedules and
 * ChargingProfileNoChargingSchedulePeriods (the schema requires a schedule and a period),
 * ChargingScheduleChargingRateUnitUnsupported (the simulated station takes A and W), ChargingScheduleNonFiniteValue
 * and ChargingSchedulePeriodNonFiniteValue (JSON has no NaN), ChargingSchedulePeriodExtraneousPhaseValues (it is an
 * AC station), ChargingSchedulePeriodUnsupportedNumberPhases (the schema allows 1 to 3, the station has 3),
 * RequestStartTransactionNonTxProfile (no RequestStartTransaction here), InvalidProfileType (an internal mix-up in
 * libocpp); and the results libocpp checks only for OCPP 2.1 (rate limits, MaxExternalConstraintsId, the 2.1
 * purposes, kinds and period fields), which this API does not carry.
 */
import type { SetChargingProfileRequestData } from '../../core/generated/types.js';
import { STATION_EVSE, type StationModel } from '../../core/composite.js';
import type { HeldProfile } from '../../core/profile.js';

/** A profile refused: libocpp's result name, the reason code it answers with, and what it was about here. */
export interface Refusal {
  result: string;
  reasonCode: string;
  detail: string;
}

type Profile = SetChargingProfileRequestData['charging_profile'];

const refuse = (result: string, reasonCode: string, detail: string): Refusal => ({ result, reasonCode, detail });

/** libocpp's conform_validity_periods: no valid_from is the epoch, no valid_to the end of time. */
function validity(profile: { valid_from?: string; valid_to?: string } | undefined): [number, number] {
  return [profile?.valid_from ? Date.parse(profile.valid_from) : -Infinity, profile?.valid_to ? Date.parse(profile.valid_to) : Infinity];
}

/**
 * libocpp's is_overlapping_validity_period (not for TxProfiles): another profile of the same purpose on the same
 * EVSE at the same stack level whose validity overlaps (a held profile known only by its selector counts as always valid).
 */
function overlapping(held: readonly HeldProfile[], profile: Profile, evse: string): HeldProfile | undefined {
  const [from, to] = validity(profile);
  return held.find((other) => {
    if (other.id === profile.id || other.evse_id !== evse) return false;
    if (other.charging_profile_purpose !== profile.charging_profile_purpose || other.stack_level !== profile.stack_level) return false;
    const [otherFrom, otherTo] = validity(other.charging_profile);
    return from <= otherTo && to >= otherFrom;
  });
}

/** validate_profile_schedules, for what can arise here (see the module's comment). */
function scheduleRefusal(profile: Profile): Refusal | undefined {
  for (const [i, schedule] of profile.charging_schedule.entries()) {
    const periods = schedule.charging_schedule_period;
    for (const [j, period] of periods.entries()) {
      const at = `charging_schedule[${i}].charging_schedule_period[${j}]`;
      // K01.FR.48 and K01.FR.19
      if (period.phase_to_use !== undefined && period.number_phases !== 1) return refuse('ChargingSchedulePeriodInvalidPhaseToUse', 'InvalidSchedule', `${at}: phase_to_use needs number_phases 1`);
      // K01.FR.20: the station cannot switch phases (libocpp's ACPhaseSwitchingSupported, false unless configured)
      if (period.phase_to_use !== undefined) return refuse('ChargingSchedulePeriodPhaseToUseACPhaseSwitchingUnsupported', 'InvalidSchedule', `${at}: this station does not switch phases`);
      // K01.FR.31
      if (j === 0 && period.start_period !== 0) return refuse('ChargingProfileFirstStartScheduleIsNotZero', 'InvalidSchedule', `${at}: the first period starts at ${period.start_period}, not 0`);
      // K01.FR.35
      const next = periods[j + 1];
      if (next !== undefined && next.start_period <= period.start_period) return refuse('ChargingSchedulePeriodsOutOfOrder', 'InvalidSchedule', `charging_schedule[${i}]: period ${j + 1} does not start after period ${j}`);
    }
    // K01.FR.40 and K01.FR.41
    const relative = profile.charging_profile_kind === 'Relative';
    if (!relative && schedule.start_schedule === undefined) return refuse('ChargingProfileMissingRequiredStartSchedule', 'InvalidSchedule', `charging_schedule[${i}]: an ${profile.charging_profile_kind} profile needs start_schedule`);
    if (relative && schedule.start_schedule !== undefined) return refuse('ChargingProfileExtraneousStartSchedule', 'InvalidSchedule', `charging_schedule[${i}]: a Relative profile has no start_schedule`);
  }
  return undefined;
}

/** validate_charging_station_max_profile. */
function maxProfileRefusal(held: readonly HeldProfile[], profile: Profile, evse: string): Refusal | undefined {
  const other = overlapping(held, profile, evse);
  if (other) return refuse('DuplicateProfileValidityPeriod', 'DuplicateProfile', `profile ${other.id} is a ChargingStationMaxProfile at stack level ${profile.stack_level} in force at the same time`);
  if (evse !== STATION_EVSE) return refuse('ChargingStationMaxProfileEvseIdGreaterThanZero', 'InvalidValue', `a ChargingStationMaxProfile is for the whole station, not EVSE ${evse}`);
  if (profile.charging_profile_kind === 'Relative') return refuse('ChargingStationMaxProfileCannotBeRelative', 'InvalidValue', 'a ChargingStationMaxProfile cannot be Relative');
  return undefined;
}

/** validate_tx_default_profile: one TxDefaultProfile per stack level, station-wide or on EVSEs, not both. */
function txDefaultRefusal(held: readonly HeldProfile[], profile: Profile, evse: string): Refusal | undefined {
  const other = overlapping(held, profile, evse);
  if (other) return refuse('DuplicateProfileValidityPeriod', 'DuplicateProfile', `profile ${other.id} is a TxDefaultProfile on the same EVSE at stack level ${profile.stack_level} in force at the same time`);
  const stationWide = evse === STATION_EVSE;
  const clash = held.find(
    (candidate) =>
      candidate.charging_profile_purpose === 'TxDefaultProfile' &&
      (candidate.evse_id === STATION_EVSE) !== stationWide &&
      candidate.stack_level === profile.stack_level &&
      candidate.id !== profile.id,
  );
  if (clash) return refuse('DuplicateTxDefaultProfileFound', 'DuplicateProfile', `profile ${clash.id} is a TxDefaultProfile at stack level ${profile.stack_level} ${stationWide ? 'on an EVSE' : 'for the whole station'}`);
  return undefined;
}

/** validate_tx_profile: on an EVSE with an active transaction, that transaction's, one per stack level. */
function txRefusal(held: readonly HeldProfile[], profile: Profile, evse: string, station: StationModel): Refusal | undefined {
  if (evse === STATION_EVSE) return refuse('TxProfileEvseIdNotGreaterThanZero', 'InvalidValue', 'a TxProfile is for the EVSE of its transaction: give evse_id');
  if (profile.transaction_id === undefined) return refuse('TxProfileMissingTransactionId', 'MissingParam', 'a TxProfile needs transaction_id');
  const transaction = station.transactions.get(evse);
  if (transaction === undefined) return refuse('TxProfileEvseHasNoActiveTransaction', 'TxNotFound', `EVSE ${evse} has no active transaction`);
  if (transaction.id !== profile.transaction_id) return refuse('TxProfileTransactionNotOnEvse', 'TxNotFound', `transaction ${profile.transaction_id} is not the one on EVSE ${evse} (${transaction.id})`);
  const clash = held.find(
    (other) =>
      other.charging_profile_purpose === 'TxProfile' &&
      other.charging_profile?.transaction_id === profile.transaction_id &&
      other.stack_level === profile.stack_level &&
      other.id !== profile.id,
  );
  if (clash) return refuse('TxProfileConflictingStackLevel', 'InvalidStackLevel', `profile ${clash.id} is a TxProfile of transaction ${profile.transaction_id} at stack level ${profile.stack_level}`);
  return undefined;
}

/** Why a station refuses this profile, libocpp's first reason; undefined: it installs it. */
export function stationRefusal(held: readonly HeldProfile[], data: SetChargingProfileRequestData, station: StationModel): Refusal | undefined {
  const profile = data.charging_profile;
  const evse = data.evse_id ?? STATION_EVSE;
  // K01.FR.22, before anything else
  if (profile.charging_profile_purpose === 'ChargingStationExternalConstraints') {
    return refuse('ChargingStationExternalConstraintsInSetChargingProfileRequest', 'InvalidValue', 'ChargingStationExternalConstraints come from an external system, never from this request');
  }
  const missing = evseRefusal(evse, station);
  if (missing) return missing;
  // K01.FR.05: a profile with the id of external constraints does not replace them
  const external = held.find((other) => other.id === profile.id && other.charging_profile_purpose === 'ChargingStationExternalConstraints');
  if (external) return refuse('ExistingChargingStationExternalConstraints', 'DuplicateProfile', `id ${profile.id} is the station's ChargingStationExternalConstraints, which this request cannot replace`);
  return profileRefusal(held, profile, evse, station);
}

const evseRefusal = (evse: string, station: StationModel): Refusal | undefined =>
  evse !== STATION_EVSE && !station.evses.includes(evse) ? refuse('EvseDoesNotExist', 'InvalidValue', `the station has no EVSE ${evse}`) : undefined;

/**
 * Why a station would not hold this profile among `held` (libocpp's get_valid_profiles_for_evse runs the same
 * conform_and_validate_profile on what it holds): a `--profiles` entry at start. The file is the station's state, so
 * the two rules about the request itself do not apply (external constraints come from elsewhere and may be held).
 * An entry known only by its selector (for clear) limits nothing: only where its purpose may sit is checked.
 */
export function heldRefusal(held: readonly HeldProfile[], entry: HeldProfile, station: StationModel): Refusal | undefined {
  const missing = evseRefusal(entry.evse_id, station);
  if (missing || entry.charging_profile) return missing ?? profileRefusal(held, entry.charging_profile!, entry.evse_id, station);
  if (entry.charging_profile_purpose === 'ChargingStationMaxProfile' && entry.evse_id !== STATION_EVSE) {
    return refuse('ChargingStationMaxProfileEvseIdGreaterThanZero', 'InvalidValue', `a ChargingStationMaxProfile is for the whole station, not EVSE ${entry.evse_id}`);
  }
  if (entry.charging_profile_purpose === 'TxProfile' && entry.evse_id === STATION_EVSE) {
    return refuse('TxProfileEvseIdNotGreaterThanZero', 'InvalidValue', 'a TxProfile is for the EVSE of its transaction: give evse_id');
  }
  return undefined;
}

/** conform_and_validate_profile after the EVSE: the schedules, then the purpose's own rules. */
function profileRefusal(held: readonly HeldProfile[], profile: Profile, evse: string, station: StationModel): Refusal | undefined {
  const schedule = scheduleRefusal(profile);
  if (schedule) return schedule;
  switch (profile.charging_profile_purpose) {
    case 'ChargingStationMaxProfile':
      return maxProfileRefusal(held, profile, evse);
    case 'TxDefaultProfile':
      return txDefaultRefusal(held, profile, evse);
    case 'TxProfile':
      return txRefusal(held, profile, evse, station);
  }
  return undefined;
}
