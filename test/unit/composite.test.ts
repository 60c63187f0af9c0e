/**
 * The simulator's composite schedule (core/composite.ts): a table of cases written from the rules (issue #20, after
 * EVerest libocpp), then properties checked with fast-check against a naive oracle that evaluates the rules one
 * instant at a time, written here independently of the sweep the simulator uses.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compositeSchedule, STATION_EVSE, type ScheduledProfile, type StationModel } from '../../src/core/composite.js';
import { CASES, H, NOW, held, station, type CaseRequest } from '../helpers/composite-cases.js';
import type { ChargingProfile, ChargingRateUnit, CompositeSchedulePeriod } from '../../src/core/generated/types.js';

/** The answer's periods as [start, limit, phases?]. */
function periods(profiles: ScheduledProfile[], request: CaseRequest, model = station()) {
  const answer = compositeSchedule(profiles, { evse_id: request.evse ?? '1', duration: request.duration ?? 2 * H, ...(request.unit ? { charging_rate_unit: request.unit } : {}) }, model);
  if (answer.status !== 'Accepted') throw new Error(`rejected: ${JSON.stringify(answer)}`);
  return answer.schedule.charging_schedule_period.map((p) => [p.start_period, p.limit, ...(p.number_of_phases_available === undefined ? [] : [p.number_of_phases_available])]);
}


describe('the composite schedule, case by case', () => {
  for (const { name, profiles, request = {}, model, expected } of CASES) {
    it(name, () => expect(periods(profiles, request, model)).toEqual(expected));
  }

  it('starts at now in whole seconds, covers the duration asked, in A unless W is asked', () => {
    const answer = compositeSchedule([], { evse_id: '2', duration: 600 }, station());
    expect(answer).toEqual({
      status: 'Accepted',
      schedule: { evse_id: '2', duration: 600, schedule_start: '2026-12-01T18:00:00Z', charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 48 }] },
    });
  });

  it('does not pass a period\'s phase_to_use on: libocpp\'s merges drop it', () => {
    const answer = compositeSchedule([held('TxDefaultProfile', [[0, 16, 1]], { phaseToUse: 2 })], { evse_id: '1', duration: 60 }, station());
    expect(answer.status === 'Accepted' && answer.schedule.charging_schedule_period).toEqual([{ start_period: 0, limit: 16, number_of_phases_available: 1 }]);
  });

  it('an unknown EVSE is Rejected, as libocpp says it', () => {
    expect(compositeSchedule([], { evse_id: '4', duration: 60 }, station())).toEqual({
      status: 'Rejected',
      status_info: { reason_code: 'InvalidValue', additional_info: 'EvseDoesNotExist' },
    });
  });
});

// ---- Ported from libocpp: lib/everest/ocpp/tests/lib/ocpp/v2/test_composite_schedule.cpp in EVerest/everest-core,
// the cases on phases and on mixing A and W (their profiles from tests/lib/ocpp/v2/json/singles/, as written there).
// The fixture's station: 1 EVSE unless reconfigured, defaults 57 A / 55,612 W, 3 phases, 230 V; its
// simulate_transaction_active=true is our TxDefaultProfiles applying without a transaction. ----

type LibocppPeriod = { startPeriod: number; limit: number; numberPhases?: number };
type LibocppProfile = {
  id: number;
  stackLevel: number;
  chargingProfilePurpose: ChargingProfile['charging_profile_purpose'];
  chargingProfileKind: ChargingProfile['charging_profile_kind'];
  recurrencyKind?: 'Daily' | 'Weekly';
  validFrom?: string;
  validTo?: string;
  chargingSchedule: [{ id: number; chargingRateUnit: ChargingRateUnit; duration?: number; startSchedule?: string; chargingSchedulePeriod: LibocppPeriod[] }];
};

/** A libocpp test profile (its JSON, camelCase) held for `evse`. */
function libocpp(profile: LibocppProfile, evse: string): ScheduledProfile {
  const [schedule] = profile.chargingSchedule;
  return {
    evse_id: evse,
    charging_profile: {
      id: profile.id,
      stack_level: profile.stackLevel,
      charging_profile_purpose: profile.chargingProfilePurpose,
      charging_profile_kind: profile.chargingProfileKind,
      ...(profile.recurrencyKind ? { recurrency_kind: profile.recurrencyKind } : {}),
      ...(profile.validFrom ? { valid_from: profile.validFrom } : {}),
      ...(profile.validTo ? { valid_to: profile.validTo } : {}),
      charging_schedule: [
        {
          id: schedule.id,
          charging_rate_unit: schedule.chargingRateUnit,
          ...(schedule.duration === undefined ? {} : { duration: schedule.duration }),
          ...(schedule.startSchedule === undefined ? {} : { start_schedule: schedule.startSchedule }),
          charging_schedule_period: schedule.chargingSchedulePeriod.map((p) => ({ start_period: p.startPeriod, limit: p.limit, ...(p.numberPhases ? { number_phases: p.numberPhases } : {}) })) as [never],
        },
      ],
    },
  };
}

const A = 'A' as const;
const W = 'W' as const;
const ChargingStationMaxProfile_24_Ampere: LibocppProfile = {
  id: 24, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily',
  chargingSchedule: [{ id: 0, chargingRateUnit: A, duration: 86400, startSchedule: '2024-01-17T00:00:00.000Z', chargingSchedulePeriod: [
    { limit: 16, numberPhases: 1, startPeriod: 0 }, { limit: 16, numberPhases: 3, startPeriod: 3600 }, { limit: 10, numberPhases: 1, startPeriod: 7200 }, { limit: 10, numberPhases: 3, startPeriod: 10800 }] }],
};
const ChargingStationMaxProfile_401: LibocppProfile = {
  id: 24, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily',
  chargingSchedule: [{ id: 0, chargingRateUnit: A, duration: 86400, startSchedule: '2024-01-17T08:00:00.000Z', chargingSchedulePeriod: [
    { limit: 24, numberPhases: 1, startPeriod: 0 }, { limit: 28, numberPhases: 1, startPeriod: 900 }, { limit: 30, numberPhases: 1, startPeriod: 1800 }, { limit: 32, numberPhases: 1, startPeriod: 2700 }] }],
};
const TXDefaultProfile_25_Watt: LibocppProfile = {
  id: 25, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
  chargingSchedule: [{ id: 0, chargingRateUnit: W, duration: 3600, chargingSchedulePeriod: [
    { limit: 12420, startPeriod: 0 }, { limit: 8280, startPeriod: 300 }, { limit: 6210, startPeriod: 600 }, { limit: 4140, startPeriod: 900 }, { limit: 2070, startPeriod: 1200 }] }],
};
const Relative_303: LibocppProfile = {
  id: 301, stackLevel: 5, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', validFrom: '2024-01-01T12:00:00Z', validTo: '2025-01-01T14:00:00Z',
  chargingSchedule: [{ id: 0, chargingRateUnit: A, duration: 3600, chargingSchedulePeriod: [{ limit: 16, startPeriod: 0 }, { limit: 15, startPeriod: 1800 }, { limit: 14, startPeriod: 2700 }] }],
};
const Relative_302_phase_limit: LibocppProfile = {
  id: 302, stackLevel: 5, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', validFrom: '2024-01-01T12:00:00Z', validTo: '2025-01-01T14:00:00Z',
  chargingSchedule: [{ id: 0, chargingRateUnit: A, duration: 3600, chargingSchedulePeriod: [
    { limit: 16, numberPhases: 3, startPeriod: 0 }, { limit: 15, numberPhases: 1, startPeriod: 1800 }, { limit: 14, numberPhases: 3, startPeriod: 2700 }] }],
};
const Recurring_Daily_301: LibocppProfile = {
  id: 301, stackLevel: 5, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', validFrom: '2024-01-01T12:00:00Z', validTo: '2024-02-01T12:00:00Z',
  chargingSchedule: [{ id: 0, chargingRateUnit: A, duration: 3600, startSchedule: '2024-01-01T08:00:00Z', chargingSchedulePeriod: [{ limit: 16, startPeriod: 0 }, { limit: 15, startPeriod: 1800 }, { limit: 14, startPeriod: 2700 }] }],
};
const Recurring_Daily_302_phase_limit: LibocppProfile = {
  id: 302, stackLevel: 5, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', validFrom: '2024-01-01T12:00:00Z', validTo: '2024-02-01T12:00:00Z',
  chargingSchedule: [{ id: 0, chargingRateUnit: A, duration: 3600, startSchedule: '2024-01-01T08:00:00Z', chargingSchedulePeriod: [
    { limit: 16, numberPhases: 1, startPeriod: 0 }, { limit: 15, numberPhases: 1, startPeriod: 1800 }, { limit: 14, numberPhases: 3, startPeriod: 2700 }] }],
};

const LIBOCPP_DEFAULT_A = 57;
/** libocpp's calculate_composite_schedule(start, start + 1 h, evse, unit) on its fixture, as [start, limit, phases?]. */
function libocppComposite(profiles: ScheduledProfile[], start: string, evse: string, unit: ChargingRateUnit, evses = 1) {
  const model = station({ now: new Date(start), evses: Array.from({ length: evses }, (_, i) => String(i + 1)), defaultLimits: { A: LIBOCPP_DEFAULT_A, W: 55612 } });
  return periods(profiles, { evse, duration: H, unit }, model);
}

const LIBOCPP_CASES: Array<{ name: string; profiles: ScheduledProfile[]; start: string; evse: string; unit?: ChargingRateUnit; evses?: number; expected: unknown[][] }> = [
  { name: 'SingleStationMaxForEvse0', profiles: [libocpp(ChargingStationMaxProfile_401, '0')], start: '2024-08-21T08:00:00Z', evse: '0', expected: [[0, 24, 1], [900, 28, 1], [1800, 30, 1], [2700, 32, 1]] },
  { name: 'SingleTxDefaultProfileForEvse0WithSingleEvse', profiles: [libocpp(Relative_303, '0')], start: '2024-01-02T08:00:00Z', evse: '0', expected: [[0, 16, 3], [1800, 15, 3], [2700, 14, 3]] },
  { name: 'SingleTxDefaultProfileForEvse0WithMultipleEvses_Current', profiles: [libocpp(Relative_303, '0')], start: '2024-01-02T08:00:00Z', evse: '0', evses: 2, expected: [[0, 32, 3], [1800, 30, 3], [2700, 28, 3]] },
  { name: 'SingleTxDefaultProfileForEvse0WithMultipleEvses_Power', profiles: [libocpp(TXDefaultProfile_25_Watt, '0')], start: '2024-01-02T08:00:00Z', evse: '0', evses: 2, expected: [[0, 36, 3], [300, 24, 3], [600, 18, 3], [900, 12, 3], [1200, 6, 3]] },
  { name: 'SingleTxDefaultProfileWithStationMaxForEvse0WithSingleEvse', profiles: [libocpp(ChargingStationMaxProfile_401, '0'), libocpp(Relative_303, '1')], start: '2024-01-02T08:01:00Z', evse: '0', expected: [[0, 16, 1], [1800, 15, 1], [2700, 14, 1]] },
  {
    name: 'SingleTxDefaultProfileWithStationMaxForEvse0WithMultipleEvses',
    profiles: [libocpp(ChargingStationMaxProfile_401, '0'), libocpp(Relative_303, '1'), libocpp(Relative_303, '2')], start: '2024-01-02T08:01:00Z', evse: '0', evses: 2,
    expected: [[0, 24, 1], [840, 28, 1], [1740, 30, 1], [2700, 28, 1]],
  },
  {
    name: 'TxProfilePerEvseWithMultipleEvses',
    profiles: [libocpp(Recurring_Daily_301, '1'), libocpp(Relative_303, '2')], start: '2024-01-02T08:01:00Z', evse: '0', evses: 2,
    expected: [[0, 32, 3], [1740, 31, 3], [1800, 30, 3], [2640, 29, 3], [2700, 28, 3], [3540, 14 + LIBOCPP_DEFAULT_A, 3]],
  },
  { name: 'MixingCurrentAndPower_16A_1P', profiles: [libocpp(ChargingStationMaxProfile_24_Ampere, '0'), libocpp(TXDefaultProfile_25_Watt, '1')], start: '2024-01-02T00:00:00Z', evse: '1', expected: [[0, 16, 1], [1200, 9, 1]] },
  {
    name: 'MixingCurrentAndPower_16A_3P', profiles: [libocpp(ChargingStationMaxProfile_24_Ampere, '0'), libocpp(TXDefaultProfile_25_Watt, '1')], start: '2024-01-02T01:00:00Z', evse: '1',
    expected: [[0, 16, 3], [300, 12, 3], [600, 9, 3], [900, 6, 3], [1200, 3, 3]],
  },
  { name: 'MixingCurrentAndPower_10A_1P', profiles: [libocpp(ChargingStationMaxProfile_24_Ampere, '0'), libocpp(TXDefaultProfile_25_Watt, '1')], start: '2024-01-02T02:00:00Z', evse: '1', expected: [[0, 10, 1], [1200, 9, 1]] },
  {
    name: 'MixingCurrentAndPower_10A_3P', profiles: [libocpp(ChargingStationMaxProfile_24_Ampere, '0'), libocpp(TXDefaultProfile_25_Watt, '1')], start: '2024-01-02T03:00:00Z', evse: '1',
    expected: [[0, 10, 3], [600, 9, 3], [900, 6, 3], [1200, 3, 3]],
  },
  {
    name: 'MixingCurrentAndPower_10A_1P_RequestPower', profiles: [libocpp(ChargingStationMaxProfile_24_Ampere, '0'), libocpp(TXDefaultProfile_25_Watt, '1')], start: '2024-01-02T02:00:00Z', evse: '1', unit: 'W',
    expected: [[0, 2300, 1], [1200, 2070, 1]],
  },
  {
    name: 'MixingCurrentAndPower_10A_3P_RequestPower', profiles: [libocpp(ChargingStationMaxProfile_24_Ampere, '0'), libocpp(TXDefaultProfile_25_Watt, '1')], start: '2024-01-02T03:00:00Z', evse: '1', unit: 'W',
    expected: [[0, 6900, 3], [600, 6210, 3], [900, 4140, 3], [1200, 2070, 3]],
  },
  {
    name: 'TxProfilePerEvseWithMultipleEvses_DifferentNrOfPhases',
    profiles: [libocpp(Recurring_Daily_302_phase_limit, '1'), libocpp(Relative_302_phase_limit, '2')], start: '2024-01-02T08:00:00Z', evse: '0', evses: 2,
    expected: [[0, 32, 3], [1800, 30, 1], [2700, 28, 3]],
  },
  {
    name: 'MixingNumberOfPhasesOnSingleEvse', profiles: [libocpp(ChargingStationMaxProfile_24_Ampere, '0'), libocpp(Relative_302_phase_limit, '1')], start: '2024-01-02T00:40:00Z', evse: '1',
    expected: [[0, 16, 1], [1200, 16, 3], [1800, 15, 1], [2700, 14, 3]],
  },
];

describe('the composite schedule, libocpp\'s own cases on phases and units', () => {
  for (const { name, profiles, start, evse, unit = 'A', evses, expected } of LIBOCPP_CASES) {
    it(name, () => expect(libocppComposite(profiles, start, evse, unit, evses)).toEqual(expected));
  }
});

// ---- The naive oracle: the rules applied at one instant, no sweep, no union-find. ----

const tenths = (limit: number) => Math.floor(limit * 10 + 1e-9) / 10;
const secondsOf = (time: string) => Math.floor(Date.parse(time) / 1000);
/** A limit in force at an instant: A and W apart, as libocpp keeps them, and its phase count. */
type Level = { A?: number; W?: number; phases?: number };

/** The period of `profile` in force at second `t`, in its own unit (3 phases where it gives none), or undefined. */
function periodAt(profile: ChargingProfile, t: number, now: number, session: number | undefined): Level | undefined {
  const schedule = profile.charging_schedule[0]!;
  let start: number;
  if (profile.charging_profile_kind === 'Relative') start = session ?? now;
  else if (profile.charging_profile_kind === 'Absolute') start = secondsOf(schedule.start_schedule!);
  else {
    const every = profile.recurrency_kind === 'Weekly' ? 7 * 86400 : 86400;
    const first = secondsOf(schedule.start_schedule!);
    start = t - ((((t - first) % every) + every) % every);
  }
  const offset = t - start;
  if (offset < 0 || (schedule.duration !== undefined && offset >= schedule.duration)) return undefined;
  if (profile.valid_from !== undefined && t < secondsOf(profile.valid_from)) return undefined;
  if (profile.valid_to !== undefined && t >= secondsOf(profile.valid_to)) return undefined;
  const period = [...schedule.charging_schedule_period].reverse().find((p) => p.start_period <= offset)!;
  return { [schedule.charging_rate_unit]: period.limit, phases: period.number_phases ?? 3 };
}

/** A level in `unit`: its own limit in that unit, lowered by the other unit's at voltage x its phases. */
function inUnit(level: Level, unit: ChargingRateUnit, model: StationModel): number {
  const factor = model.supplyVoltage * (level.phases ?? model.defaultPhases);
  const other = unit === 'A' ? (level.W === undefined ? Infinity : level.W / factor) : level.A === undefined ? Infinity : level.A * factor;
  return Math.min(level[unit] ?? Infinity, other);
}

function winner(profiles: ScheduledProfile[], purpose: string, at: (p: ChargingProfile) => Level | undefined): Level | undefined {
  const ranked = profiles
    .filter((p) => p.charging_profile.charging_profile_purpose === purpose)
    .sort((a, b) => b.charging_profile.stack_level - a.charging_profile.stack_level || Number(a.evse_id === '0') - Number(b.evse_id === '0') || a.charging_profile.id - b.charging_profile.id);
  for (const p of ranked) {
    const level = at(p.charging_profile);
    if (level) return level;
  }
  return undefined;
}

const present = (levels: Level[], key: keyof Level) => levels.flatMap((l) => (l[key] === undefined ? [] : [l[key]!]));

function combine(levels: Array<Level | undefined>): Level | undefined {
  const all = levels.filter((l): l is Level => l !== undefined);
  if (!all.length) return undefined;
  const level: Level = {};
  for (const key of ['A', 'W', 'phases'] as const) if (present(all, key).length) level[key] = Math.min(...present(all, key));
  return level;
}

function evseAt(held: ScheduledProfile[], evse: string, t: number, model: StationModel, stationBounds: boolean): Level | undefined {
  const now = Math.floor(model.now.getTime() / 1000);
  const tx = model.transactions.get(evse);
  const session = tx && Math.floor(tx.start.getTime() / 1000);
  const bound = (purpose: string) => purpose === 'ChargingStationMaxProfile' || purpose === 'ChargingStationExternalConstraints';
  const mine = held.filter(({ evse_id, charging_profile: p }) =>
    (evse_id === evse || (evse_id === '0' && (stationBounds || !bound(p.charging_profile_purpose)))) &&
    (p.charging_profile_purpose !== 'TxProfile' || (evse_id === evse && tx !== undefined && p.transaction_id === tx.id)));
  const at = (p: ChargingProfile) => periodAt(p, t, now, session);
  const base = winner(mine, 'TxProfile', at) ?? winner(mine, 'TxDefaultProfile', at);
  return combine([base, winner(mine, 'ChargingStationMaxProfile', at), winner(mine, 'ChargingStationExternalConstraints', at)]);
}

/** What the answer should say at second `t` (absolute), by the rules alone: [limit, phases]. */
function oracle(held: ScheduledProfile[], evse: string, t: number, unit: ChargingRateUnit, model: StationModel): number[] {
  const answer = (level: Level | undefined): number[] =>
    level === undefined ? [model.defaultLimits[unit]] : [tenths(inUnit(level, unit, model)), ...(level.phases === undefined ? [] : [level.phases])];
  if (evse !== '0') return answer(evseAt(held, evse, t, model, true));
  const parts = model.evses.map((e) => evseAt(held, e, t, model, false));
  const phases = present(parts.filter((l): l is Level => l !== undefined), 'phases');
  const sum: Level = {
    A: parts.reduce((total, l) => total + (l?.A ?? model.defaultLimits.A), 0),
    W: parts.reduce((total, l) => total + (l?.W ?? model.defaultLimits.W), 0),
    ...(phases.length ? { phases: Math.max(...phases) } : {}),
  };
  const now = Math.floor(model.now.getTime() / 1000);
  const station = held.filter((p) => p.evse_id === '0');
  const at = (p: ChargingProfile) => periodAt(p, t, now, undefined);
  return answer(combine([sum, winner(station, 'ChargingStationMaxProfile', at), winner(station, 'ChargingStationExternalConstraints', at)]));
}

// ---- Generated stations and requests. ----

const BASE = secondsOf(NOW);
const iso = (s: number) => `${new Date(s * 1000).toISOString().slice(0, 19)}Z`;

const periodsArb = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 4 * H }), fc.integer({ min: 0, max: 400 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })), { minLength: 1, maxLength: 5 })
  .map((steps) => {
    let start = 0;
    return steps.map(([gap, limit, phases], i) => {
      if (i > 0) start += gap;
      return [start, limit / 4, phases] as [number, number, number?];
    });
  });

const profileArb = fc
  .record({
    purpose: fc.constantFrom('TxDefaultProfile', 'TxDefaultProfile', 'TxProfile', 'ChargingStationMaxProfile', 'ChargingStationExternalConstraints'),
    evse: fc.constantFrom('0', '1', '2'),
    stack: fc.integer({ min: 0, max: 3 }),
    kind: fc.constantFrom('Absolute', 'Recurring', 'Relative'),
    recurrency: fc.constantFrom('Daily', 'Weekly'),
    start: fc.integer({ min: -3 * 86400, max: 86400 }),
    unit: fc.constantFrom('A', 'W'),
    duration: fc.option(fc.integer({ min: 1, max: 12 * H }), { nil: undefined }),
    validFrom: fc.option(fc.integer({ min: -86400, max: 86400 }), { nil: undefined }),
    validFor: fc.option(fc.integer({ min: 1, max: 86400 }), { nil: undefined }),
    transaction: fc.constantFrom('T1', 'T2'),
    periods: periodsArb,
  })
  .map((r) => {
    const isTx = r.purpose === 'TxProfile';
    const evse = isTx && r.evse === '0' ? '1' : r.evse;
    const scale = r.unit === 'W' ? 690 : 1;
    return held(r.purpose as ChargingProfile['charging_profile_purpose'], r.periods.map(([s, l, p]) => [s, l * scale, p]), {
      evse,
      stack: r.stack,
      kind: r.kind as ChargingProfile['charging_profile_kind'],
      ...(r.kind === 'Recurring' ? { recurrency: r.recurrency as 'Daily' | 'Weekly' } : {}),
      start: iso(BASE + r.start),
      unit: r.unit as ChargingRateUnit,
      ...(r.duration === undefined ? {} : { duration: r.duration }),
      ...(r.validFrom === undefined ? {} : { validFrom: iso(BASE + r.validFrom) }),
      ...(r.validFrom === undefined || r.validFor === undefined ? {} : { validTo: iso(BASE + r.validFrom + r.validFor) }),
      ...(isTx ? { transaction: r.transaction } : {}),
    });
  });

const caseArb = fc.record({
  profiles: fc.array(profileArb, { maxLength: 8 }),
  evse: fc.constantFrom('0', '1', '2'),
  duration: fc.integer({ min: 1, max: 2 * 86400 }),
  unit: fc.option(fc.constantFrom<ChargingRateUnit>('A', 'W'), { nil: undefined }),
  transaction: fc.option(fc.integer({ min: 0, max: 86400 }), { nil: undefined }),
  samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 8 }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function run(c: Case) {
  const model = station({ evses: ['1', '2'], transactions: c.transaction === undefined ? new Map() : new Map([['1', { id: 'T1', start: new Date((BASE - c.transaction) * 1000) }]]) });
  const answer = compositeSchedule(c.profiles, { evse_id: c.evse, duration: c.duration, ...(c.unit ? { charging_rate_unit: c.unit } : {}) }, model);
  if (answer.status !== 'Accepted') throw new Error('rejected');
  return { model, schedule: answer.schedule, periods: answer.schedule.charging_schedule_period };
}

/** The period in force `offset` seconds into the answer. */
const periodAtOffset = (periods: CompositeSchedulePeriod[], offset: number) => [...periods].reverse().find((p) => p.start_period <= offset)!;

/** No period of the answer to `c` exceeds a station bound that nothing of its purpose can overrule. */
function checkBounds(c: Case): void {
  const { model, periods, schedule } = run(c);
  const now = Math.floor(model.now.getTime() / 1000);
  for (const offset of [...periods.map((p) => p.start_period), ...c.samples.map((x) => Math.floor(x * c.duration))]) {
    for (const bound of c.profiles.filter((p) => p.evse_id === '0' && /^ChargingStation/.test(p.charging_profile.charging_profile_purpose))) {
      // A relative bound starts with the EVSE's transaction, as every profile the EVSE applies does.
      const tx = c.evse === '0' ? undefined : model.transactions.get(c.evse);
      const session = tx && Math.floor(tx.start.getTime() / 1000);
      const level = periodAt(bound.charging_profile, now + offset, now, session);
      // Within a purpose the highest stack level decides: check the bounds no other of their purpose can overrule.
      const sameOrHigher = c.profiles.filter(
        (p) => p.charging_profile.charging_profile_purpose === bound.charging_profile.charging_profile_purpose && p !== bound && p.charging_profile.stack_level >= bound.charging_profile.stack_level,
      );
      if (level === undefined || sameOrHigher.length > 0) continue;
      // Compared in the bound's own unit, at the phases of the period (a bound's A over fewer phases is fewer W).
      const period = periodAtOffset(periods, offset);
      const phases = period.number_of_phases_available ?? model.defaultPhases;
      const boundUnit = bound.charging_profile.charging_schedule[0]!.charging_rate_unit;
      const factor = boundUnit === schedule.charging_rate_unit ? 1 : boundUnit === 'A' ? 1 / (model.supplyVoltage * phases) : model.supplyVoltage * phases;
      expect(period.limit * factor).toBeLessThanOrEqual(level[boundUnit]! + 1e-6);
    }
  }
}

describe('the composite schedule, by property', () => {
  const params = { numRuns: 400 };

  it('starts at 0, its starts strictly increase, it stays within the window, and neighbours differ', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { periods, schedule } = run(c);
        expect(periods[0]!.start_period).toBe(0);
        expect(schedule.duration).toBe(c.duration);
        for (let i = 1; i < periods.length; i++) {
          expect(periods[i]!.start_period).toBeGreaterThan(periods[i - 1]!.start_period);
          expect([periods[i]!.limit, periods[i]!.number_of_phases_available]).not.toEqual([periods[i - 1]!.limit, periods[i - 1]!.number_of_phases_available]);
        }
        expect(periods[periods.length - 1]!.start_period).toBeLessThan(c.duration);
      }),
      params,
    );
  });

  it('agrees with the rules applied one instant at a time, at every period start and end and at random instants', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { model, periods, schedule } = run(c);
        const instants = [...periods.flatMap((p, i) => [p.start_period, (periods[i + 1]?.start_period ?? c.duration) - 1]), ...c.samples.map((x) => Math.floor(x * c.duration))];
        for (const offset of instants) {
          const expected = oracle(c.profiles, c.evse, BASE + offset, schedule.charging_rate_unit, model);
          const actual = periodAtOffset(periods, offset);
          expect([actual.limit, ...(actual.number_of_phases_available === undefined ? [] : [actual.number_of_phases_available])], `at +${offset}s`).toEqual(expected);
        }
      }),
      params,
    );
  });

  it('no period exceeds a station bound in force', () => {
    fc.assert(fc.property(caseArb, checkBounds), params);
  });

  it('the same input gives the same output, whatever order the profiles are held in', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const first = run(c);
        expect(run(c).schedule).toEqual(first.schedule);
        expect(run({ ...c, profiles: [...c.profiles].reverse() }).schedule).toEqual(first.schedule);
      }),
      params,
    );
  });
});
