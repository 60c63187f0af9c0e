/**
 * The composite schedule's cases, written from the rules (issue #20, after EVerest libocpp): the unit tests check the
 * calculation against them (test/unit/composite.test.ts), and the offline tests check that `scp schedule --offline`
 * and the simulator answer each alike (test/e2e/offline.e2e.test.ts).
 */
import { STATION_EVSE, type ScheduledProfile, type StationModel } from '../../src/core/composite.js';
import type { ChargingProfile, ChargingRateUnit } from '../../src/core/generated/types.js';

export const NOW = '2026-12-01T18:00:00.400Z';
export const H = 3600;

export function station(change: Partial<StationModel> = {}): StationModel {
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
export function held(purpose: ChargingProfile['charging_profile_purpose'], periods: Array<[number, number, number?]>, spec: ProfileSpec = {}): ScheduledProfile {
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

export const T1 = new Map([['1', { id: 'T1', start: new Date('2026-12-01T17:30:00Z') }]]);

/** What a case asks: the EVSE (default "1"), the window (default 2 h) and the unit. */
export type CaseRequest = { evse?: string; duration?: number; unit?: ChargingRateUnit };

export const CASES: Array<{ name: string; profiles: ScheduledProfile[]; request?: CaseRequest; model?: StationModel; expected: unknown[][] }> = [
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
    name: 'evse 0: the sum over EVSEs, each without a limit adding the default, with the most phases any counts',
    profiles: [held('TxDefaultProfile', [[0, 16]], { evse: '1' })],
    request: { evse: STATION_EVSE },
    expected: [[0, 16 + 48 + 48, 3]],
  },
  {
    name: 'evse 0: the sum capped by the station max profile',
    profiles: [held('TxDefaultProfile', [[0, 16]], { evse: '1' }), held('ChargingStationMaxProfile', [[0, 100], [H, 40]], { start: '2026-12-01T18:00:00Z' })],
    request: { evse: STATION_EVSE },
    expected: [[0, 100, 3], [H, 40, 3]],
  },
  {
    name: 'evse 0 in W: each EVSE\'s limit converted, then summed',
    profiles: [held('TxDefaultProfile', [[0, 16]], { evse: '1' })],
    request: { evse: STATION_EVSE, unit: 'W' },
    model: station({ evses: ['1', '2'] }),
    expected: [[0, 11040 + 33120, 3]],
  },
  {
    name: 'a period without number_phases counts 3 (K01.FR.49), whatever --default-phases says',
    profiles: [held('TxDefaultProfile', [[0, 16]])],
    request: { unit: 'W' },
    model: station({ defaultPhases: 1 }),
    expected: [[0, 11040, 3]],
  },
  {
    name: '--default-phases converts a period that counts none: evse 0 in W with nothing limiting',
    profiles: [],
    request: { evse: STATION_EVSE, unit: 'W' },
    model: station({ evses: ['1', '2'], defaultPhases: 1 }),
    expected: [[0, 2 * 48 * 230]],
  },
];
