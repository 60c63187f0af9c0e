/**
 * The simulator's composite schedule (core/composite.ts): a table of cases written from the rules (issue #20, after
 * EVerest libocpp), then properties checked with fast-check against a naive oracle that evaluates the rules one
 * instant at a time, written here independently of the sweep the simulator uses.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compositeSchedule, STATION_EVSE, type ScheduledProfile, type StationModel } from '../../src/core/composite.js';
import type { ChargingProfile, ChargingRateUnit, CompositeSchedulePeriod } from '../../src/core/generated/types.js';

const NOW = '2026-12-01T18:00:00.400Z';
const H = 3600;

function station(change: Partial<StationModel> = {}): StationModel {
  return { now: new Date(NOW), evses: ['1', '2', '3'], transactions: new Map(), supplyVoltage: 230, defaultLimits: { A: 48, W: 33120 }, defaultPhases: 3, ...change };
}

interface ProfileSpec {
  evse?: string;
  stack?: number;
  kind?: ChargingProfile['charging_profile_kind'];
  start?: string;
  unit?: ChargingRateUnit;
  duration?: number;
  recurrency?: 'Daily' | 'Weekly';
  validFrom?: string;
  validTo?: string;
  transaction?: string;
  phaseToUse?: number;
}

let nextId = 1;
/** A held profile: `periods` as [start_period, limit, number_phases?]. */
function held(purpose: ChargingProfile['charging_profile_purpose'], periods: Array<[number, number, number?]>, spec: ProfileSpec = {}): ScheduledProfile {
  const kind = spec.kind ?? (spec.recurrency ? 'Recurring' : 'Absolute');
  return {
    evse_id: spec.evse ?? (purpose === 'ChargingStationMaxProfile' || purpose === 'ChargingStationExternalConstraints' ? STATION_EVSE : '1'),
    charging_profile: {
      id: nextId++,
      stack_level: spec.stack ?? 0,
      charging_profile_purpose: purpose,
      charging_profile_kind: kind,
      ...(spec.recurrency ? { recurrency_kind: spec.recurrency } : {}),
      ...(spec.validFrom ? { valid_from: spec.validFrom } : {}),
      ...(spec.validTo ? { valid_to: spec.validTo } : {}),
      ...(spec.transaction ? { transaction_id: spec.transaction } : {}),
      charging_schedule: [
        {
          id: 1,
          ...(kind === 'Relative' ? {} : { start_schedule: spec.start ?? '2026-12-01T00:00:00Z' }),
          ...(spec.duration === undefined ? {} : { duration: spec.duration }),
          charging_rate_unit: spec.unit ?? 'A',
          charging_schedule_period: periods.map(([start_period, limit, number_phases]) => ({
            start_period,
            limit,
            ...(number_phases === undefined ? {} : { number_phases }),
            ...(spec.phaseToUse === undefined ? {} : { phase_to_use: spec.phaseToUse }),
          })) as [never],
        },
      ],
    },
  };
}

/** The answer's periods as [start, limit, phases?]. */
function periods(profiles: ScheduledProfile[], request: { evse?: string; duration?: number; unit?: ChargingRateUnit }, model = station()) {
  const answer = compositeSchedule(profiles, { evse_id: request.evse ?? '1', duration: request.duration ?? 2 * H, ...(request.unit ? { charging_rate_unit: request.unit } : {}) }, model);
  if (answer.status !== 'Accepted') throw new Error(`rejected: ${JSON.stringify(answer)}`);
  return answer.schedule.charging_schedule_period.map((p) => [p.start_period, p.limit, ...(p.number_of_phases_available === undefined ? [] : [p.number_of_phases_available])]);
}

const T1 = new Map([['1', { id: 'T1', start: new Date('2026-12-01T17:30:00Z') }]]);

const CASES: Array<{ name: string; profiles: ScheduledProfile[]; request?: Parameters<typeof periods>[1]; model?: StationModel; expected: unknown[][] }> = [
  { name: 'nothing limits: the default in A, no phase count', profiles: [], expected: [[0, 48]] },
  { name: 'nothing limits, asked in W: the default in W', profiles: [], request: { unit: 'W' }, expected: [[0, 33120]] },
  { name: 'one TxDefaultProfile', profiles: [held('TxDefaultProfile', [[0, 16]])], expected: [[0, 16, 3]] },
  {
    name: 'a higher stack level wins while in force; the lower shows through its gap',
    profiles: [held('TxDefaultProfile', [[0, 16]]), held('TxDefaultProfile', [[0, 10]], { stack: 1, start: '2026-12-01T18:30:00Z', duration: 1800 })],
    expected: [[0, 16, 3], [1800, 10, 3], [3600, 16, 3]],
  },
  {
    name: 'a lower stack level does not show through a higher one',
    profiles: [held('TxDefaultProfile', [[0, 32]], { stack: 0 }), held('TxDefaultProfile', [[0, 10]], { stack: 3 })],
    expected: [[0, 10, 3]],
  },
  {
    name: 'a TxProfile for the active transaction wins over TxDefault, whatever the stack levels',
    profiles: [held('TxDefaultProfile', [[0, 16]], { stack: 9 }), held('TxProfile', [[0, 32]], { transaction: 'T1' })],
    model: station({ transactions: T1 }),
    expected: [[0, 32, 3]],
  },
  {
    name: 'a TxProfile without an active transaction does not count',
    profiles: [held('TxDefaultProfile', [[0, 16]]), held('TxProfile', [[0, 32]], { transaction: 'T1' })],
    expected: [[0, 16, 3]],
  },
  {
    name: 'a TxProfile of another transaction does not count',
    profiles: [held('TxDefaultProfile', [[0, 16]]), held('TxProfile', [[0, 32]], { transaction: 'T9' })],
    model: station({ transactions: T1 }),
    expected: [[0, 16, 3]],
  },
  {
    name: 'TxDefault shows again where the TxProfile ends',
    profiles: [held('TxDefaultProfile', [[0, 16]]), held('TxProfile', [[0, 32]], { transaction: 'T1', start: '2026-12-01T18:00:00Z', duration: 600 })],
    model: station({ transactions: T1 }),
    expected: [[0, 32, 3], [600, 16, 3]],
  },
  {
    name: 'the station max profile lowers the limit',
    profiles: [held('TxDefaultProfile', [[0, 32]]), held('ChargingStationMaxProfile', [[0, 20]])],
    expected: [[0, 20, 3]],
  },
  {
    name: 'a max profile above the limit changes nothing',
    profiles: [held('TxDefaultProfile', [[0, 32]]), held('ChargingStationMaxProfile', [[0, 40]])],
    expected: [[0, 32, 3]],
  },
  {
    name: 'external constraints and max: the lowest in force wins, as each comes and goes',
    profiles: [
      held('TxDefaultProfile', [[0, 32]]),
      held('ChargingStationMaxProfile', [[0, 25], [H, 40]], { start: '2026-12-01T18:00:00Z' }),
      held('ChargingStationExternalConstraints', [[0, 20]], { start: '2026-12-01T18:30:00Z', duration: H }),
    ],
    expected: [[0, 25, 3], [1800, 20, 3], [5400, 32, 3]],
  },
  {
    name: 'a bound alone in force sets the limit (libocpp), fewer phases count',
    profiles: [held('ChargingStationMaxProfile', [[0, 20, 1]])],
    expected: [[0, 20, 1]],
  },
  {
    name: 'valid_from and valid_to bound a profile',
    profiles: [held('TxDefaultProfile', [[0, 16]], { validFrom: '2026-12-01T18:30:00Z', validTo: '2026-12-01T19:00:00Z' })],
    expected: [[0, 48], [1800, 16, 3], [3600, 48]],
  },
  {
    name: 'an expired profile is gone',
    profiles: [held('TxDefaultProfile', [[0, 16]], { start: '2026-11-30T18:00:00Z', duration: H })],
    expected: [[0, 48]],
  },
  {
    name: 'the schedule\'s duration ends it',
    profiles: [held('TxDefaultProfile', [[0, 16]], { start: '2026-12-01T17:00:00Z', duration: 2 * H })],
    expected: [[0, 16, 3], [H, 48]],
  },
  {
    name: 'an absolute schedule that starts later leaves the default before it',
    profiles: [held('TxDefaultProfile', [[0, 16], [600, 8]], { start: '2026-12-01T18:20:00Z' })],
    expected: [[0, 48], [1200, 16, 3], [1800, 8, 3]],
  },
  {
    name: 'daily recurrence across midnight: 32 A from 22:00 to 06:00, else 16 A',
    profiles: [held('TxDefaultProfile', [[0, 32], [8 * H, 16]], { recurrency: 'Daily', start: '2026-11-20T22:00:00Z' })],
    request: { duration: 24 * H },
    expected: [[0, 16, 3], [4 * H, 32, 3], [12 * H, 16, 3]],
  },
  {
    name: 'weekly recurrence from a Monday: 10 A on Mondays, 20 A the rest of the week',
    profiles: [held('TxDefaultProfile', [[0, 10], [24 * H, 20]], { recurrency: 'Weekly', start: '2026-11-30T00:00:00Z' })],
    request: { duration: 7 * 24 * H },
    expected: [[0, 20, 3], [5 * 24 * H + 6 * H, 10, 3], [6 * 24 * H + 6 * H, 20, 3]],
  },
  {
    name: 'daily recurrence with a duration leaves gaps each day',
    profiles: [held('TxDefaultProfile', [[0, 6]], { recurrency: 'Daily', start: '2026-11-01T17:00:00Z', duration: 2 * H })],
    request: { duration: 24 * H },
    expected: [[0, 6, 3], [H, 48], [23 * H, 6, 3]],
  },
  {
    name: 'relative without a transaction starts now',
    profiles: [held('TxDefaultProfile', [[0, 10], [H, 20]], { kind: 'Relative' })],
    expected: [[0, 10, 3], [H, 20, 3]],
  },
  {
    name: 'relative with a transaction starts at the transaction\'s start',
    profiles: [held('TxDefaultProfile', [[0, 10], [H, 20]], { kind: 'Relative' })],
    model: station({ transactions: T1 }),
    expected: [[0, 10, 3], [1800, 20, 3]],
  },
  {
    name: 'W to A at 230 V x 3 phases, rounded down to 0.1',
    profiles: [held('TxDefaultProfile', [[0, 11000]], { unit: 'W' })],
    expected: [[0, 15.9, 3]],
  },
  {
    name: 'A to W at 230 V x the period\'s phases',
    profiles: [held('TxDefaultProfile', [[0, 16, 1]])],
    request: { unit: 'W' },
    expected: [[0, 3680, 1]],
  },
  {
    name: 'A to W at another supply voltage',
    profiles: [held('TxDefaultProfile', [[0, 16]])],
    request: { unit: 'W' },
    model: station({ supplyVoltage: 120 }),
    expected: [[0, 5760, 3]],
  },
  {
    name: 'equal neighbours from different profiles merge',
    profiles: [held('TxDefaultProfile', [[0, 16]]), held('TxDefaultProfile', [[0, 16]], { stack: 1, duration: 19 * H })],
    expected: [[0, 16, 3]],
  },
  {
    name: 'neighbours with equal limit but other phases stay apart',
    profiles: [held('TxDefaultProfile', [[0, 16, 3]]), held('TxDefaultProfile', [[0, 16, 1]], { stack: 1, start: '2026-12-01T18:30:00Z' })],
    expected: [[0, 16, 3], [1800, 16, 1]],
  },
  {
    name: 'a station-wide TxDefaultProfile applies to each EVSE; the EVSE\'s own wins at equal stack level',
    profiles: [held('TxDefaultProfile', [[0, 20]], { evse: STATION_EVSE }), held('TxDefaultProfile', [[0, 12]], { evse: '1', start: '2026-12-01T18:30:00Z' })],
    expected: [[0, 20, 3], [1800, 12, 3]],
  },
  {
    name: 'evse 0: the sum over EVSEs, each without a limit adding the default',
    profiles: [held('TxDefaultProfile', [[0, 16]], { evse: '1' })],
    request: { evse: STATION_EVSE },
    expected: [[0, 16 + 48 + 48]],
  },
  {
    name: 'evse 0: the sum capped by the station max profile',
    profiles: [held('TxDefaultProfile', [[0, 16]], { evse: '1' }), held('ChargingStationMaxProfile', [[0, 100], [H, 40]], { start: '2026-12-01T18:00:00Z' })],
    request: { evse: STATION_EVSE },
    expected: [[0, 100], [H, 40]],
  },
  {
    name: 'evse 0 in W: each EVSE\'s limit converted, then summed',
    profiles: [held('TxDefaultProfile', [[0, 16]], { evse: '1' })],
    request: { evse: STATION_EVSE, unit: 'W' },
    model: station({ evses: ['1', '2'] }),
    expected: [[0, 11040 + 33120]],
  },
];

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

  it('passes a period\'s phase_to_use on', () => {
    const answer = compositeSchedule([held('TxDefaultProfile', [[0, 16, 1]], { phaseToUse: 2 })], { evse_id: '1', duration: 60 }, station());
    expect(answer.status === 'Accepted' && answer.schedule.charging_schedule_period).toEqual([{ start_period: 0, limit: 16, number_of_phases_available: 1, phase_to_use: 2 }]);
  });

  it('an unknown EVSE is Rejected, as libocpp says it', () => {
    expect(compositeSchedule([], { evse_id: '4', duration: 60 }, station())).toEqual({
      status: 'Rejected',
      status_info: { reason_code: 'InvalidValue', additional_info: 'EvseDoesNotExist' },
    });
  });
});

// ---- The naive oracle: the rules applied at one instant, no sweep, no union-find. ----

const tenths = (limit: number) => Math.floor(limit * 10 + 1e-9) / 10;
const secondsOf = (time: string) => Math.floor(Date.parse(time) / 1000);
type Level = { limit: number; phases?: number; phaseToUse?: number };

/** The period of `profile` in force at second `t`, converted to `unit`, or undefined. */
function periodAt(profile: ChargingProfile, t: number, now: number, session: number | undefined, unit: ChargingRateUnit, model: StationModel): Level | undefined {
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
  const phases = period.number_phases ?? model.defaultPhases;
  const factor = model.supplyVoltage * phases;
  const limit = schedule.charging_rate_unit === unit ? period.limit : unit === 'A' ? period.limit / factor : period.limit * factor;
  return { limit, phases, ...(period.phase_to_use === undefined ? {} : { phaseToUse: period.phase_to_use }) };
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

function combine(base: Level | undefined, bounds: Array<Level | undefined>): Level | undefined {
  const all = [base, ...bounds].filter((l): l is Level => l !== undefined);
  if (!all.length) return undefined;
  const phaseCounts = all.flatMap((l) => (l.phases === undefined ? [] : [l.phases]));
  const phases = phaseCounts.length ? Math.min(...phaseCounts) : undefined;
  return { limit: Math.min(...all.map((l) => l.limit)), phases, phaseToUse: phases === 1 && base?.phases === 1 ? base.phaseToUse : undefined };
}

function evseAt(held: ScheduledProfile[], evse: string, t: number, unit: ChargingRateUnit, model: StationModel, stationBounds: boolean): Level | undefined {
  const now = Math.floor(model.now.getTime() / 1000);
  const tx = model.transactions.get(evse);
  const session = tx && Math.floor(tx.start.getTime() / 1000);
  const bound = (purpose: string) => purpose === 'ChargingStationMaxProfile' || purpose === 'ChargingStationExternalConstraints';
  const mine = held.filter(({ evse_id, charging_profile: p }) =>
    (evse_id === evse || (evse_id === '0' && (stationBounds || !bound(p.charging_profile_purpose)))) &&
    (p.charging_profile_purpose !== 'TxProfile' || (evse_id === evse && tx !== undefined && p.transaction_id === tx.id)));
  const at = (p: ChargingProfile) => periodAt(p, t, now, session, unit, model);
  const base = winner(mine, 'TxProfile', at) ?? winner(mine, 'TxDefaultProfile', at);
  return combine(base, [winner(mine, 'ChargingStationMaxProfile', at), winner(mine, 'ChargingStationExternalConstraints', at)]);
}

/** What the answer should say at second `t` (absolute), by the rules alone. */
function oracle(held: ScheduledProfile[], evse: string, t: number, unit: ChargingRateUnit, model: StationModel): Level {
  const fallback = model.defaultLimits[unit];
  if (evse !== '0') {
    const level = evseAt(held, evse, t, unit, model, true);
    return level ? { ...level, limit: tenths(level.limit) } : { limit: fallback };
  }
  const sum = model.evses.reduce((total, e) => total + (evseAt(held, e, t, unit, model, false)?.limit ?? fallback), 0);
  const now = Math.floor(model.now.getTime() / 1000);
  const station = held.filter((p) => p.evse_id === '0');
  const at = (p: ChargingProfile) => periodAt(p, t, now, undefined, unit, model);
  return { limit: tenths(combine({ limit: sum }, [winner(station, 'ChargingStationMaxProfile', at), winner(station, 'ChargingStationExternalConstraints', at)])!.limit) };
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
          expect([periods[i]!.limit, periods[i]!.number_of_phases_available, periods[i]!.phase_to_use]).not.toEqual([
            periods[i - 1]!.limit,
            periods[i - 1]!.number_of_phases_available,
            periods[i - 1]!.phase_to_use,
          ]);
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
          expect([actual.limit, actual.number_of_phases_available, actual.phase_to_use], `at +${offset}s`).toEqual([expected.limit, expected.phases, expected.phaseToUse]);
        }
      }),
      params,
    );
  });

  it('no period exceeds a station bound in force', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { model, periods, schedule } = run(c);
        const now = Math.floor(model.now.getTime() / 1000);
        for (const offset of [...periods.map((p) => p.start_period), ...c.samples.map((x) => Math.floor(x * c.duration))]) {
          for (const bound of c.profiles.filter((p) => p.evse_id === '0' && /^ChargingStation/.test(p.charging_profile.charging_profile_purpose))) {
            // A relative bound starts with the EVSE's transaction, as every profile the EVSE applies does.
            const tx = c.evse === '0' ? undefined : model.transactions.get(c.evse);
            const session = tx && Math.floor(tx.start.getTime() / 1000);
            const level = periodAt(bound.charging_profile, now + offset, now, session, schedule.charging_rate_unit, model);
            // Within a purpose the highest stack level decides: check the bounds no other of their purpose can overrule.
            const sameOrHigher = c.profiles.filter(
              (p) => p.charging_profile.charging_profile_purpose === bound.charging_profile.charging_profile_purpose && p !== bound && p.charging_profile.stack_level >= bound.charging_profile.stack_level,
            );
            if (level && sameOrHigher.length === 0) expect(periodAtOffset(periods, offset).limit).toBeLessThanOrEqual(level.limit);
          }
        }
      }),
      params,
    );
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
