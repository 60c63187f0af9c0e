/**
 * The simulated station's K01 checks, as libocpp makes them (src/messages/set/validation.ts): each result that can
 * arise here, with libocpp's reason code, on a station with EVSEs "1" and "2" and a transaction on "1".
 */
import { describe, expect, it } from 'vitest';
import { stationRefusal } from '../../src/messages/set/validation.js';
import type { SetChargingProfileRequestData } from '../../src/core/generated/types.js';
import type { HeldProfile } from '../../src/core/profile.js';
import type { StationModel } from '../../src/core/composite.js';

const STATION: StationModel = {
  now: new Date('2026-12-01T18:00:00Z'),
  evses: ['1', '2'],
  transactions: new Map([['1', { id: 'TX-1', start: new Date('2026-12-01T17:00:00Z') }]]),
  supplyVoltage: 230,
  defaultLimits: { A: 48, W: 33120 },
  defaultPhases: 3,
};

type Profile = SetChargingProfileRequestData['charging_profile'];

/** A TxDefaultProfile for EVSE 1 at stack level 0, with whatever `change` makes of it; `evse` null: the whole station. */
function request(change: (profile: Profile) => void = () => undefined, evse: string | null = '1'): SetChargingProfileRequestData {
  const profile: Profile = {
    id: 100,
    stack_level: 0,
    charging_profile_purpose: 'TxDefaultProfile',
    charging_profile_kind: 'Absolute',
    charging_schedule: [{ id: 1, start_schedule: '2026-12-01T00:00:00Z', charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 16 }] }],
  };
  change(profile);
  return { ...(evse === null ? {} : { evse_id: evse }), charging_profile: profile };
}

/** A held profile, whole, as `scp set` would have installed it. */
function held(id: number, evse: string, purpose: HeldProfile['charging_profile_purpose'], stack: number, extra: Partial<Profile> = {}): HeldProfile {
  const whole = request((p) => Object.assign(p, { id, charging_profile_purpose: purpose, stack_level: stack, ...extra }), evse === '0' ? null : evse).charging_profile;
  return { id, evse_id: evse, charging_profile_purpose: purpose, stack_level: stack, charging_profile: whole };
}

const refusal = (data: SetChargingProfileRequestData, holding: HeldProfile[] = []) => {
  const found = stationRefusal(holding, data, STATION);
  return found && [found.result, found.reasonCode];
};

describe("a station's K01 checks, as libocpp's", () => {
  it('accepts a valid profile', () => {
    expect(refusal(request())).toBeUndefined();
    expect(refusal(request((p) => Object.assign(p, { charging_profile_purpose: 'TxProfile', transaction_id: 'TX-1' })))).toBeUndefined();
  });

  it.each<[string, SetChargingProfileRequestData, HeldProfile[], [string, string]]>([
    ['external constraints in the request (K01.FR.22)', request((p) => (p.charging_profile_purpose = 'ChargingStationExternalConstraints')), [], ['ChargingStationExternalConstraintsInSetChargingProfileRequest', 'InvalidValue']],
    ['an EVSE the station does not have', request(undefined, '3'), [], ['EvseDoesNotExist', 'InvalidValue']],
    ['the id of held external constraints (K01.FR.05)', request(), [held(100, '0', 'ChargingStationExternalConstraints', 0)], ['ExistingChargingStationExternalConstraints', 'DuplicateProfile']],
    ['phase_to_use without number_phases 1', request((p) => (p.charging_schedule[0]!.charging_schedule_period[0]!.phase_to_use = 1)), [], ['ChargingSchedulePeriodInvalidPhaseToUse', 'InvalidSchedule']],
    ['phase_to_use on a station that does not switch phases', request((p) => Object.assign(p.charging_schedule[0]!.charging_schedule_period[0]!, { number_phases: 1, phase_to_use: 2 })), [], ['ChargingSchedulePeriodPhaseToUseACPhaseSwitchingUnsupported', 'InvalidSchedule']],
    ['a first period that does not start at 0 (K01.FR.31)', request((p) => (p.charging_schedule[0]!.charging_schedule_period[0]!.start_period = 60)), [], ['ChargingProfileFirstStartScheduleIsNotZero', 'InvalidSchedule']],
    ['periods out of order (K01.FR.35)', request((p) => p.charging_schedule[0]!.charging_schedule_period.push({ start_period: 0, limit: 8 })), [], ['ChargingSchedulePeriodsOutOfOrder', 'InvalidSchedule']],
    ['an Absolute profile without start_schedule (K01.FR.40)', request((p) => delete p.charging_schedule[0]!.start_schedule), [], ['ChargingProfileMissingRequiredStartSchedule', 'InvalidSchedule']],
    ['a Relative profile with start_schedule (K01.FR.41)', request((p) => (p.charging_profile_kind = 'Relative')), [], ['ChargingProfileExtraneousStartSchedule', 'InvalidSchedule']],
    ['a station maximum overlapping another at its stack level', request((p) => (p.charging_profile_purpose = 'ChargingStationMaxProfile'), null), [held(5, '0', 'ChargingStationMaxProfile', 0)], ['DuplicateProfileValidityPeriod', 'DuplicateProfile']],
    ['a station maximum on an EVSE', request((p) => (p.charging_profile_purpose = 'ChargingStationMaxProfile')), [], ['ChargingStationMaxProfileEvseIdGreaterThanZero', 'InvalidValue']],
    ['a Relative station maximum', request((p) => Object.assign(p, { charging_profile_purpose: 'ChargingStationMaxProfile', charging_profile_kind: 'Relative', charging_schedule: [{ ...p.charging_schedule[0]!, start_schedule: undefined }] }), null), [], ['ChargingStationMaxProfileCannotBeRelative', 'InvalidValue']],
    ['a TxDefaultProfile overlapping another on its EVSE and stack level', request(), [held(5, '1', 'TxDefaultProfile', 0)], ['DuplicateProfileValidityPeriod', 'DuplicateProfile']],
    ['a TxDefaultProfile on an EVSE at the stack level of a station-wide one', request(), [held(5, '0', 'TxDefaultProfile', 0)], ['DuplicateTxDefaultProfileFound', 'DuplicateProfile']],
    ['a station-wide TxDefaultProfile at the stack level of one on an EVSE', request(undefined, null), [held(5, '2', 'TxDefaultProfile', 0)], ['DuplicateTxDefaultProfileFound', 'DuplicateProfile']],
    ['a TxProfile for the whole station', request((p) => Object.assign(p, { charging_profile_purpose: 'TxProfile', transaction_id: 'TX-1' }), null), [], ['TxProfileEvseIdNotGreaterThanZero', 'InvalidValue']],
    ['a TxProfile without transaction_id', request((p) => (p.charging_profile_purpose = 'TxProfile')), [], ['TxProfileMissingTransactionId', 'MissingParam']],
    ['a TxProfile for an EVSE without a transaction', request((p) => Object.assign(p, { charging_profile_purpose: 'TxProfile', transaction_id: 'TX-1' }), '2'), [], ['TxProfileEvseHasNoActiveTransaction', 'TxNotFound']],
    ["a TxProfile for another EVSE's transaction", request((p) => Object.assign(p, { charging_profile_purpose: 'TxProfile', transaction_id: 'TX-9' })), [], ['TxProfileTransactionNotOnEvse', 'TxNotFound']],
    ['a TxProfile at the stack level of another of its transaction', request((p) => Object.assign(p, { charging_profile_purpose: 'TxProfile', transaction_id: 'TX-1' })), [held(5, '1', 'TxProfile', 0, { transaction_id: 'TX-1' })], ['TxProfileConflictingStackLevel', 'InvalidStackLevel']],
  ])('refuses %s', (_what, data, holding, expected) => {
    expect(refusal(data, holding)).toEqual(expected);
  });

  it('lets a profile replace its own id, and validity periods that do not overlap stand side by side', () => {
    expect(refusal(request(), [held(100, '1', 'TxDefaultProfile', 0)])).toBeUndefined();
    const later = request((p) => Object.assign(p, { valid_from: '2027-01-01T00:00:00Z' }));
    expect(refusal(later, [held(5, '1', 'TxDefaultProfile', 0, { valid_to: '2026-12-31T00:00:00Z' })])).toBeUndefined();
    expect(refusal(request((p) => (p.stack_level = 1)), [held(5, '1', 'TxDefaultProfile', 0)])).toBeUndefined();
  });
});
