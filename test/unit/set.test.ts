import { describe, expect, it } from 'vitest';
import { buildRequest, CHECK_ID, parseInputLine } from '../../src/messages/kind.js';
import { buildSetData, set, setRules, type SetInput } from '../../src/messages/set/index.js';
import { setStation } from '../../src/messages/set/station.js';
import { parseDuration, parseLimit, parseTime } from '../../src/core/fields.js';
import type { SetChargingProfileRequestData } from '../../src/core/generated/types.js';
import type { StationModel } from '../../src/core/composite.js';

const NOW = new Date('2026-12-01T18:00:00.750Z');
const ID = () => '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const flags = (input: Partial<SetInput>) => buildRequest(set, { now: NOW, ...input }, ID);
const refusal = (input: Partial<SetInput>) => {
  try {
    flags(input);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

/** A valid Absolute TxDefaultProfile for EVSE 3, to break one field at a time. */
function data(change: (d: SetChargingProfileRequestData) => void = () => undefined): SetChargingProfileRequestData {
  const d: SetChargingProfileRequestData = {
    evse_id: '3',
    charging_profile: {
      id: 7,
      stack_level: 0,
      charging_profile_purpose: 'TxDefaultProfile',
      charging_profile_kind: 'Absolute',
      charging_schedule: [{ id: 1, start_schedule: '2026-12-01T18:00:00Z', charging_rate_unit: 'W', charging_schedule_period: [{ start_period: 0, limit: 11000 }] }],
    },
  };
  change(d);
  return d;
}
const profile = (d: SetChargingProfileRequestData) => d.charging_profile;
const schedule = (d: SetChargingProfileRequestData) => d.charging_profile.charging_schedule[0]!;

describe('the flags\' own parsers', () => {
  it('--limit takes a number with its unit; kW becomes W', () => {
    expect(parseLimit('16A')).toEqual({ unit: 'A', limit: 16 });
    expect(parseLimit('7400W')).toEqual({ unit: 'W', limit: 7400 });
    expect(parseLimit('7.4kW')).toEqual({ unit: 'W', limit: 7400 });
    expect(parseLimit('11kW')).toEqual({ unit: 'W', limit: 11000 });
    expect(parseLimit('0.1A')).toEqual({ unit: 'A', limit: 0.1 });
    // The unit in any case (#44): it can mean nothing else.
    for (const [raw, unit, limit] of [['11kw', 'W', 11000], ['11KW', 'W', 11000], ['16a', 'A', 16], ['7400w', 'W', 7400]] as const) expect(parseLimit(raw), raw).toEqual({ unit, limit });
    for (const raw of ['11', '-1A', '1e3W', '16MW', '16mW', 'A', '']) {
      expect(() => parseLimit(raw), raw).toThrow(`--limit: ${JSON.stringify(raw)} is not allowed; expected a number with its unit: 16A, 7400W or 7.4kW`);
    }
    // A space between the number and its unit (issue #33): said how to write it.
    expect(() => parseLimit('16 A')).toThrow('--limit: "16 A" is not allowed; write the number and its unit together: 16A');
    expect(() => parseLimit(' 7.4 kW')).toThrow('--limit: " 7.4 kW" is not allowed; write the number and its unit together: 7.4kW');
    expect(() => parseLimit('11 kw')).toThrow('--limit: "11 kw" is not allowed; write the number and its unit together: 11kW');
  });

  it('--duration takes seconds or 30m, 2h, 1d', () => {
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('1d')).toBe(86400);
    for (const raw of ['0', '1.5h', '2w', '', '-5', '0m']) expect(() => parseDuration(raw), raw).toThrow(/^--duration: /);
  });

  it('times need a zone and go out in UTC, whole seconds', () => {
    expect(parseTime('--start', '2026-12-01T18:00:00Z')).toBe('2026-12-01T18:00:00Z');
    expect(parseTime('--start', '2026-12-01T19:30:15.999+01:00')).toBe('2026-12-01T18:30:15Z');
    expect(parseTime('--start', '2026-12-01T18:00Z')).toBe('2026-12-01T18:00:00Z');
    for (const raw of ['2026-12-01T18:00:00', '2026-12-01', 'tomorrow', '2026-13-01T00:00:00Z']) {
      expect(() => parseTime('--valid-to', raw), raw).toThrow(/^--valid-to: .* expected an ISO 8601 time with a zone/);
    }
  });
});

describe('scp set from flags: one schedule with one period at 0', () => {
  it('builds the everyday profile: TxDefaultProfile, stack level 0, Absolute from now (whole seconds, UTC), kW as W', () => {
    expect(flags({ evse: '3', id: '7', limit: '11kW' }).data).toEqual({
      evse_id: '3',
      charging_profile: {
        id: 7,
        stack_level: 0,
        charging_profile_purpose: 'TxDefaultProfile',
        charging_profile_kind: 'Absolute',
        charging_schedule: [{ id: 1, start_schedule: '2026-12-01T18:00:00Z', charging_rate_unit: 'W', charging_schedule_period: [{ start_period: 0, limit: 11000 }] }],
      },
    });
  });

  it('no --evse: the whole station, the field left out', () => {
    expect(flags({ id: '1', limit: '32A', purpose: 'ChargingStationMaxProfile' }).data).not.toHaveProperty('evse_id');
  });

  it('takes every flag', () => {
    const request = flags({
      evse: 'GB*SEV*E1',
      id: '8',
      limit: '16A',
      purpose: 'TxProfile',
      stackLevel: '2',
      start: '2026-12-02T06:00:00+01:00',
      duration: '2h',
      transaction: 'tx-42',
      phases: '1',
      validFrom: '2026-12-01T00:00:00Z',
      validTo: '2026-12-31T00:00:00Z',
    });
    expect(request.data.charging_profile).toEqual({
      id: 8,
      stack_level: 2,
      charging_profile_purpose: 'TxProfile',
      charging_profile_kind: 'Absolute',
      valid_from: '2026-12-01T00:00:00Z',
      valid_to: '2026-12-31T00:00:00Z',
      transaction_id: 'tx-42',
      charging_schedule: [
        { id: 1, start_schedule: '2026-12-02T05:00:00Z', duration: 7200, charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 16, number_phases: 1 }] },
      ],
    });
  });

  it('--recurring makes it Recurring, Daily or Weekly, from --start; --relative makes it Relative, with no start', () => {
    const daily = flags({ id: '1', limit: '40kW', purpose: 'ChargingStationMaxProfile', recurring: 'daily', start: '2026-12-01T00:00:00Z' }).data.charging_profile;
    expect([daily.charging_profile_kind, daily.recurrency_kind, daily.charging_schedule[0]!.start_schedule]).toEqual(['Recurring', 'Daily', '2026-12-01T00:00:00Z']);
    expect(flags({ id: '1', limit: '40kW', recurring: 'weekly' }).data.charging_profile.recurrency_kind).toBe('Weekly');
    const relative = flags({ evse: '3', id: '2', limit: '16A', relative: true }).data.charging_profile;
    expect(relative.charging_profile_kind).toBe('Relative');
    expect(relative.charging_schedule[0]).not.toHaveProperty('start_schedule');
  });

  it.each([
    [{ limit: '16A' }, /^--id: required with --limit/],
    [{ id: '7' }, /^--limit: required with --id/],
    [{ evse: '3' }, /^--id: required/],
    [{ id: '7x', limit: '16A' }, /^--id: "7x" is not allowed; expected an integer from 0 to 2147483647$/],
    [{ id: '2147483648', limit: '16A' }, /^--id: /],
    [{ id: '7', limit: '16' }, /^--limit: "16" is not allowed/],
    [{ id: '7', limit: '16A', stackLevel: '-1' }, /^--stack-level: /],
    [{ id: '7', limit: '16A', phases: '4' }, /^--phases: "4" is not allowed; expected 1, 2 or 3$/],
    [{ id: '7', limit: '16A', purpose: 'TxDefault' }, /^--purpose: "TxDefault" is not allowed; expected one of /],
    [{ id: '7', limit: '16A', evse: 'GB SEV' }, /^--evse: "GB SEV" is not allowed/],
    [{ id: '7', limit: '16A', recurring: 'monthly' }, /^--recurring: "monthly" is not allowed; expected daily or weekly$/],
    [{ id: '7', limit: '16A', relative: true, recurring: 'daily' }, /^--relative: cannot be combined with --recurring/],
    [{ id: '7', limit: '16A', relative: true, start: '2026-12-01T00:00:00Z' }, /^--relative: cannot be combined with --start/],
    [{ id: '7', limit: '16A', duration: '0' }, /^--duration: /],
    [{ id: '7', limit: '16A', transaction: 'x'.repeat(37), purpose: 'TxProfile', evse: '3' }, /transaction_id/],
  ])('refuses %j', (input, message) => expect(refusal(input)).toMatch(message));
});

describe('scp set --file: a ChargingProfile or a whole request data object', () => {
  const text = (value: unknown) => JSON.stringify(value);
  it('wraps a bare profile; --evse supplies or overrides evse_id; none means the station', () => {
    const bare = data().charging_profile;
    expect(buildSetData({ now: NOW, file: 'p.json', fileText: text(bare) })).toEqual({ charging_profile: bare });
    expect(buildSetData({ now: NOW, file: 'p.json', fileText: text(bare), evse: 'E9' })).toEqual({ evse_id: 'E9', charging_profile: bare });
    expect(buildSetData({ now: NOW, file: 'p.json', fileText: text(data()), evse: 'E9' }).evse_id).toBe('E9');
    expect(buildSetData({ now: NOW, file: 'p.json', fileText: text(data()) }).evse_id).toBe('3');
  });

  it('refuses what is not a JSON object, and profile flags beside it', () => {
    expect(() => buildSetData({ now: NOW, file: 'p.json', fileText: '{' })).toThrow('--file: "p.json" is not valid JSON at line 1, column 2 (found the end of the text)');
    expect(() => buildSetData({ now: NOW, file: 'p.json', fileText: '{\n  "id": 1,\n}' })).toThrow('--file: "p.json" is not valid JSON at line 3, column 1 (found "}")');
    expect(() => buildSetData({ now: NOW, file: 'p.json', fileText: '[1]' })).toThrow(/^--file: "p.json" holds no JSON object/);
    expect(() => buildSetData({ now: NOW, file: 'p.json', fileText: text(data()), limit: '16A' })).toThrow(
      '--file: cannot be combined with --limit; the profile comes from the file (only --evse may go with it)',
    );
  });
});

describe('the K01 rules, checked before sending (and by the simulator\'s station)', () => {
  it.each([
    ['ChargingStationExternalConstraints cannot be set', (d: SetChargingProfileRequestData) => (profile(d).charging_profile_purpose = 'ChargingStationExternalConstraints'), /charging_profile_purpose: ChargingStationExternalConstraints cannot be set/],
    ['a TxProfile needs a transaction', (d: SetChargingProfileRequestData) => (profile(d).charging_profile_purpose = 'TxProfile'), /charging_profile\.transaction_id: required for a TxProfile/],
    ['a TxProfile needs an EVSE', (d: SetChargingProfileRequestData) => { profile(d).charging_profile_purpose = 'TxProfile'; profile(d).transaction_id = 't'; delete d.evse_id; }, /^evse_id: required for a TxProfile/],
    ['only a TxProfile has a transaction', (d: SetChargingProfileRequestData) => (profile(d).transaction_id = 't'), /transaction_id: only a TxProfile belongs to a transaction/],
    ['a ChargingStationMaxProfile is station-wide', (d: SetChargingProfileRequestData) => (profile(d).charging_profile_purpose = 'ChargingStationMaxProfile'), /^evse_id: not allowed for a ChargingStationMaxProfile/],
    ['valid_from before valid_to', (d: SetChargingProfileRequestData) => { profile(d).valid_from = '2026-12-02T00:00:00Z'; profile(d).valid_to = '2026-12-01T00:00:00Z'; }, /valid_to: 2026-12-01T00:00:00Z is not after valid_from/],
    ['Recurring needs recurrency_kind', (d: SetChargingProfileRequestData) => (profile(d).charging_profile_kind = 'Recurring'), /recurrency_kind: required for a Recurring profile/],
    ['recurrency_kind only when Recurring', (d: SetChargingProfileRequestData) => (profile(d).recurrency_kind = 'Daily'), /recurrency_kind: only a Recurring profile has one/],
    ['Absolute needs start_schedule', (d: SetChargingProfileRequestData) => delete schedule(d).start_schedule, /start_schedule: required for an Absolute profile/],
    ['Relative must not have start_schedule', (d: SetChargingProfileRequestData) => (profile(d).charging_profile_kind = 'Relative'), /start_schedule: not allowed for a Relative profile/],
    ['the first period starts at 0', (d: SetChargingProfileRequestData) => (schedule(d).charging_schedule_period[0]!.start_period = 60), /charging_schedule_period\[0\]\.start_period: the first period starts at 0, not 60/],
    ['periods strictly increase', (d: SetChargingProfileRequestData) => schedule(d).charging_schedule_period.push({ start_period: 0, limit: 1 }), /charging_schedule_period\[1\]\.start_period: 0 is not after the period before it \(0\)/],
    ['phase_to_use only with number_phases 1', (d: SetChargingProfileRequestData) => (schedule(d).charging_schedule_period[0]!.phase_to_use = 2), /phase_to_use: only with number_phases 1/],
  ])('%s', (_rule, change, message) => {
    expect(setRules(data(), 'fields')).toBeUndefined();
    expect(setRules(data(change), 'fields')).toMatch(message);
  });

  it('names the flag too when the operator typed flags', () => {
    expect(refusal({ id: '7', limit: '16A', evse: '3', purpose: 'TxProfile' })).toBe(
      'charging_profile.transaction_id (--transaction): required for a TxProfile, which belongs to one transaction',
    );
    expect(refusal({ id: '7', limit: '16A', evse: '3', purpose: 'ChargingStationMaxProfile' })).toMatch(/^evse_id \(--evse\): not allowed for a ChargingStationMaxProfile/);
  });

  it('the schema: 1 to 3 schedules, 1 to 1024 periods, limit >= 0, no extra fields', () => {
    const envelope = (d: SetChargingProfileRequestData) => ({ id: CHECK_ID, name: 'set_charging_profile', type: 'request', data: d });
    expect(set.checkRequestOnWire(envelope(data())).ok).toBe(true);
    const four = data((d) => (profile(d).charging_schedule = [1, 2, 3, 4].map((id) => ({ ...schedule(data()), id })) as never));
    expect(set.checkRequestOnWire(envelope(four)).ok).toBe(false);
    const many = data((d) => (schedule(d).charging_schedule_period = Array.from({ length: 1025 }, (_, i) => ({ start_period: i, limit: 1 })) as never));
    expect(set.checkRequestOnWire(envelope(many)).ok).toBe(false);
    expect(set.checkRequestOnWire(envelope(data((d) => (schedule(d).charging_schedule_period[0]!.limit = -1)))).ok).toBe(false);
    expect(set.checkRequestOnWire(envelope(data((d) => Object.assign(profile(d), { sales_tariff: {} })))).ok).toBe(false);
    expect(set.checkRequestOnWire(envelope(data((d) => (profile(d).valid_to = 'soon'))))).toMatchObject({ ok: false });
  });

  it('an input line is a request data object, checked in its own words', () => {
    expect(parseInputLine(set, JSON.stringify(data()))).toEqual({ kind: 'request', data: data() });
    expect(parseInputLine(set, '7')).toEqual({ kind: 'invalid', reason: 'expected a JSON object like {"evse_id": "3", "charging_profile": {...}}' });
    const tx = data((d) => (profile(d).charging_profile_purpose = 'TxProfile'));
    expect(parseInputLine(set, JSON.stringify(tx))).toEqual({ kind: 'invalid', reason: 'charging_profile.transaction_id: required for a TxProfile, which belongs to one transaction' });
  });
});

describe('the simulator\'s station', () => {
  const request = (d: SetChargingProfileRequestData) => ({ id: ID(), name: 'set_charging_profile' as const, type: 'request' as const, data: d });
  const SERVICE = { status: 'ready', softwareVersion: '0.0.0' };
  const STATION: StationModel = { now: NOW, evses: ['3'], transactions: new Map(), supplyVoltage: 230, defaultLimits: { A: 48, W: 33120 }, defaultPhases: 3 };
  it('installs what the rules accept, replacing a profile with the same id', () => {
    const old = { id: 7, evse_id: '1', charging_profile_purpose: 'TxProfile' as const, stack_level: 3 };
    const other = { id: 8, evse_id: '1', charging_profile_purpose: 'TxProfile' as const, stack_level: 3 };
    const decided = setStation.decide([old, other], request(data()), () => STATION, SERVICE);
    expect(decided.response!.data).toEqual({ status: 'accepted' });
    expect(decided.removed).toEqual([old]);
    expect(decided.added).toEqual([{ id: 7, evse_id: '3', charging_profile_purpose: 'TxDefaultProfile', stack_level: 0, charging_profile: data().charging_profile }]);
  });

  it('rejects what K01 forbids with libocpp\'s reason code and result, and installs nothing', () => {
    const decided = setStation.decide([], request(data((d) => (profile(d).charging_profile_purpose = 'ChargingStationExternalConstraints'))), () => STATION, SERVICE);
    expect(decided.response!.data).toEqual({
      status: 'rejected',
      status_info: {
        reason_code: 'InvalidValue',
        additional_info: 'ChargingStationExternalConstraintsInSetChargingProfileRequest: ChargingStationExternalConstraints come from an external system, never from this request',
      },
    });
    expect([decided.removed, decided.added ?? []]).toEqual([[], []]);
  });
});
