/**
 * `--explain` (core/explain.ts, issue #32): on hand-made stations whose answer is known, which profiles set each
 * period and why each other profile sets none.
 */
import { describe, expect, it } from 'vitest';
import { explainSchedule } from '../../src/core/explain.js';
import { STATION_EVSE, type ScheduledProfile, type StationModel } from '../../src/core/composite.js';
import type { HeldProfile } from '../../src/core/profile.js';
import { H, T1, held, station } from '../helpers/composite-cases.js';

/** A scheduled profile as the station holds it (what clear selects on, beside the whole profile). */
const holding = ({ evse_id, charging_profile: p }: ScheduledProfile): HeldProfile => ({
  id: p.id,
  evse_id,
  charging_profile_purpose: p.charging_profile_purpose,
  stack_level: p.stack_level,
  charging_profile: p,
});

function explain(profiles: Array<ScheduledProfile | HeldProfile>, request: { evse?: string; duration?: number; unit?: 'A' | 'W' } = {}, model: StationModel = station()) {
  const held = profiles.map((p) => ('id' in p ? p : holding(p)));
  const { explain } = explainSchedule(held, { evse_id: request.evse ?? '1', duration: request.duration ?? 2 * H, ...(request.unit ? { charging_rate_unit: request.unit } : {}) }, model);
  return {
    periods: explain!.periods.map((p) => [p.start_period, p.limit, p.profiles.map((profile) => profile.id)]),
    unused: Object.fromEntries(explain!.unused.map((u) => [u.id, [u.reason, ...(u.by ? [u.by.map((profile) => profile.id)] : [])]])),
  };
}

const idOf = (p: ScheduledProfile) => p.charging_profile.id;

describe('--explain: what sets each period', () => {
  it('one TxDefaultProfile sets every period; nothing is left over', () => {
    const tx = held('TxDefaultProfile', [[0, 16]]);
    expect(explain([tx])).toEqual({ periods: [[0, 16, [idOf(tx)]]], unused: {} });
  });

  it('where nothing limits, the default: no profile', () => {
    const later = held('TxDefaultProfile', [[0, 16]], { start: '2026-12-01T19:00:00Z' });
    expect(explain([later]).periods).toEqual([
      [0, 48, []],
      [H, 16, [idOf(later)]],
    ]);
  });

  it('a station maximum below the TxDefaultProfile sets the limit; at the same limit both are named', () => {
    const tx = held('TxDefaultProfile', [[0, 32], [H, 16]], { start: '2026-12-01T18:00:00Z' });
    const max = held('ChargingStationMaxProfile', [[0, 16]]);
    // 18:00-19:00 the maximum (16 A under 32 A); from 19:00 both at 16 A: one period, both named.
    expect(explain([tx, max])).toEqual({ periods: [[0, 16, [idOf(max), idOf(tx)]]], unused: {} });
  });

  it('evse 0: the EVSEs that set their parts of the sum, then the station maximum where it caps it', () => {
    const one = held('TxDefaultProfile', [[0, 16]], { evse: '1' });
    const two = held('TxDefaultProfile', [[0, 10]], { evse: '2' });
    const max = held('ChargingStationMaxProfile', [[0, 100], [H, 50]], { start: '2026-12-01T18:00:00Z' });
    // 16 + 10 A under a 100 A, then 50 A, maximum: the EVSEs' profiles set it throughout.
    expect(explain([one, two, max], { evse: STATION_EVSE }, station({ evses: ['1', '2'] }))).toEqual({
      periods: [[0, 26, [idOf(one), idOf(two)]]],
      unused: { [idOf(max)]: ['a lower limit applies wherever it is in force', [idOf(one), idOf(two)]] },
    });
    const low = held('ChargingStationMaxProfile', [[0, 100], [H, 20]], { start: '2026-12-01T18:00:00Z', stack: 1 });
    expect(explain([one, two, low], { evse: STATION_EVSE }, station({ evses: ['1', '2'] })).periods).toEqual([
      [0, 26, [idOf(one), idOf(two)]],
      [H, 20, [idOf(low)]],
    ]);
  });

  it('A and W: the unit whose limit is the lower names its profiles (a 1-phase 16 A bound over a W TxDefaultProfile)', () => {
    const tx = held('TxDefaultProfile', [[0, 12420], [1200, 2070]], { unit: 'W', start: '2026-12-01T18:00:00Z' });
    const max = held('ChargingStationMaxProfile', [[0, 16, 1]]);
    expect(explain([tx, max], { duration: H }).periods).toEqual([
      [0, 16, [idOf(max)]],
      [1200, 9, [idOf(tx)]],
    ]);
  });
});

describe('--explain: why a profile sets no limit', () => {
  it('another EVSE, an entry for clear only, no transaction, another transaction', () => {
    const other = held('TxDefaultProfile', [[0, 16]], { evse: '2' });
    const selector: HeldProfile = { id: 90, evse_id: '1', charging_profile_purpose: 'TxDefaultProfile', stack_level: 5 };
    const orphan = held('TxProfile', [[0, 32]], { transaction: 'T1', evse: '1', stack: 1 });
    const stranger = held('TxProfile', [[0, 32]], { transaction: 'T9', evse: '1', stack: 2 });
    expect(explain([other, selector, orphan]).unused).toEqual({
      [idOf(other)]: ['another EVSE'],
      90: ['no schedule: an entry for clear only (id, EVSE, purpose, stack level)'],
      [idOf(orphan)]: ['no transaction: EVSE 1 has none active'],
    });
    expect(explain([stranger], {}, station({ transactions: T1 })).unused).toEqual({ [idOf(stranger)]: ['another transaction: T9 is not the one on EVSE 1 (T1)'] });
  });

  it('not in force in the window: expired, not valid yet, starts after it, ended before it, recurring elsewhere', () => {
    const expired = held('TxDefaultProfile', [[0, 16]], { validTo: '2026-12-01T12:00:00Z' });
    const notYet = held('TxDefaultProfile', [[0, 16]], { validFrom: '2026-12-02T12:00:00Z', stack: 1 });
    const later = held('TxDefaultProfile', [[0, 16]], { start: '2026-12-01T21:00:00Z', stack: 2 });
    const over = held('TxDefaultProfile', [[0, 16]], { start: '2026-12-01T10:00:00Z', duration: H, stack: 3 });
    const night = held('TxDefaultProfile', [[0, 16]], { recurrency: 'Daily', start: '2026-11-20T03:00:00Z', duration: H, stack: 4 });
    expect(explain([expired, notYet, later, over, night]).unused).toEqual({
      [idOf(expired)]: ['expired: valid until 2026-12-01T12:00:00Z'],
      [idOf(notYet)]: ['not valid yet: valid from 2026-12-02T12:00:00Z, after the window'],
      [idOf(later)]: ['starts after the window, at 2026-12-01T21:00:00Z'],
      [idOf(over)]: ['its schedule ended before the window, at 2026-12-01T11:00:00Z'],
      [idOf(night)]: ['recurring outside the window: no daily occurrence of its periods falls in it'],
    });
  });

  it('shadowed by a higher stack level of its purpose, naming it', () => {
    const low = held('TxDefaultProfile', [[0, 10]], { stack: 0 });
    const high = held('TxDefaultProfile', [[0, 32]], { stack: 3 });
    const result = explain([low, high]);
    expect(result.periods).toEqual([[0, 32, [idOf(high)]]]);
    expect(result.unused[idOf(low)]).toEqual([expect.stringMatching(/^shadowed: a profile of its purpose ranks above it/), [idOf(high)]]);
  });

  it('a TxDefaultProfile under the transaction\'s TxProfile, naming it', () => {
    const txDefault = held('TxDefaultProfile', [[0, 10]], { stack: 9 });
    const tx = held('TxProfile', [[0, 32]], { transaction: 'T1' });
    expect(explain([txDefault, tx], {}, station({ transactions: T1 })).unused).toEqual({ [idOf(txDefault)]: ['a TxProfile of the transaction takes precedence wherever it is in force', [idOf(tx)]] });
  });

  it('a bound above the limit, and a TxDefaultProfile under a lower bound: a lower limit applies, naming it', () => {
    const tx = held('TxDefaultProfile', [[0, 16]]);
    const max = held('ChargingStationMaxProfile', [[0, 40]]);
    expect(explain([tx, max]).unused).toEqual({ [idOf(max)]: ['a lower limit applies wherever it is in force', [idOf(tx)]] });
    const capped = held('TxDefaultProfile', [[0, 32]]);
    const cap = held('ChargingStationExternalConstraints', [[0, 20]]);
    expect(explain([capped, cap])).toEqual({ periods: [[0, 20, [idOf(cap)]]], unused: { [idOf(capped)]: ['a lower limit applies wherever it is in force', [idOf(cap)]] } });
  });

  it('a Rejected answer has nothing to explain', () => {
    expect(explainSchedule([], { evse_id: '9', duration: 60 }, station()).explain).toBeUndefined();
  });
});
