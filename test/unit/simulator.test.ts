import { describe, expect, it } from 'vitest';
import { applyChanges, handleRequest } from '../../src/simulator/dispatch.js';
import { BUILT_IN_PROFILES, checkProfiles } from '../../src/simulator/profiles.js';
import { ALL_MESSAGES } from '../../src/messages/all.js';
import type { ClearChargingProfileRequest } from '../../src/core/generated/types.js';
import { describeSelector } from '../../src/messages/clear/index.js';
import { decideClear } from '../../src/messages/clear/station.js';
import type { HeldProfile } from '../../src/core/profile.js';
import { PURPOSES } from '../../src/core/fields.js';

const ID = '2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1';
const request = (data: ClearChargingProfileRequest['data']): ClearChargingProfileRequest => ({
  id: ID,
  name: 'clear_charging_profile',
  type: 'request',
  data,
});
const P = (id: number, evse_id: string, charging_profile_purpose: HeldProfile['charging_profile_purpose'], stack_level: number): HeldProfile => ({
  id,
  evse_id,
  charging_profile_purpose,
  stack_level,
});
const station: HeldProfile[] = [
  P(1, 'GB*SEV*E001', 'TxProfile', 0),
  P(2, 'GB*SEV*E001', 'TxDefaultProfile', 1),
  P(3, 'GB*SEV*E002', 'TxProfile', 1),
  P(4, '0', 'ChargingStationMaxProfile', 0),
  P(5, '0', 'ChargingStationExternalConstraints', 0),
  P(6, '0', 'TxDefaultProfile', 1),
];
const removedBy = (data: ClearChargingProfileRequest['data']) => decideClear(station, request(data)).removed.map((p) => p.id);
const statusOf = (data: ClearChargingProfileRequest['data']) => decideClear(station, request(data)).response.data.status;

describe('K10: which profiles a clear removes', () => {
  it('an id clears that profile', () => {
    expect(removedBy({ charging_profile_id: 3 })).toEqual([3]);
  });
  it('an id clears that profile whatever criteria came with it', () => {
    expect(removedBy({ charging_profile_id: 3, charging_profile_criteria: { evse_id: 'GB*SEV*E001', stack_level: 0 } })).toEqual([3]);
  });
  it('an id that does not exist clears nothing, even when criteria would match', () => {
    expect(removedBy({ charging_profile_id: 99, charging_profile_criteria: { evse_id: 'GB*SEV*E001' } })).toEqual([]);
  });
  it('criteria are ANDed', () => {
    expect(removedBy({ charging_profile_criteria: { evse_id: 'GB*SEV*E001', charging_profile_purpose: 'TxProfile' } })).toEqual([1]);
    expect(removedBy({ charging_profile_criteria: { charging_profile_purpose: 'TxProfile', stack_level: 1 } })).toEqual([3]);
  });
  it('an absent criterion matches anything', () => {
    expect(removedBy({ charging_profile_criteria: { charging_profile_purpose: 'TxProfile' } })).toEqual([1, 3]);
    expect(removedBy({ charging_profile_criteria: { stack_level: 1 } })).toEqual([2, 3, 6]);
  });
  it('evse_id matches exactly: no prefix, no case folding', () => {
    expect(removedBy({ charging_profile_criteria: { evse_id: 'GB*SEV*E00' } })).toEqual([]);
    expect(removedBy({ charging_profile_criteria: { evse_id: 'gb*sev*e001' } })).toEqual([]);
  });
  it('EVSE "0" is a real value: the station-wide profiles, not a wildcard', () => {
    expect(removedBy({ charging_profile_criteria: { evse_id: '0' } })).toEqual([4, 6]);
  });
  it('K10.FR.06: ChargingStationExternalConstraints profiles are never cleared, by id or by criteria', () => {
    expect(removedBy({ charging_profile_id: 5 })).toEqual([]);
    expect(removedBy({ charging_profile_criteria: { charging_profile_purpose: 'ChargingStationExternalConstraints' } })).toEqual([]);
    expect(removedBy({ charging_profile_criteria: { evse_id: '0', stack_level: 0 } })).toEqual([4]);
    expect(decideClear(station, request({ charging_profile_id: 5 })).response.data.status_info?.reason_code).toBe('NotAllowed');
  });
  it('answers accepted when at least one profile was removed, unknown when none matched', () => {
    expect(statusOf({ charging_profile_id: 1 })).toBe('accepted');
    expect(statusOf({ charging_profile_id: 42 })).toBe('unknown');
    expect(statusOf({ charging_profile_criteria: { stack_level: 9 } })).toBe('unknown');
  });
  it('answers with the request id, name clear_charging_profile and type response', () => {
    const { response } = decideClear(station, request({ charging_profile_id: 1 }));
    expect(response).toEqual({ id: ID, name: 'clear_charging_profile', type: 'response', data: { status: 'accepted' } });
  });
  it('does not change the set it is given: the caller removes', () => {
    const before = structuredClone(station);
    decideClear(station, request({ charging_profile_criteria: { stack_level: 1 } }));
    expect(station).toEqual(before);
  });
});

describe('handleRequest', () => {
  const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  it('takes a valid request', () => {
    expect(handleRequest(bytes(request({ charging_profile_id: 1 })), ALL_MESSAGES)).toEqual({ kind: 'serve', message: ALL_MESSAGES[0], request: request({ charging_profile_id: 1 }) });
  });
  it('answers a request that fails the schema with unknown, a reason code and what was wrong', () => {
    const handling = handleRequest(bytes({ id: ID, name: 'clear_charging_profile', type: 'request', data: { charging_profile_id: -1 } }), ALL_MESSAGES);
    expect(handling).toMatchObject({
      kind: 'refuse',
      requestId: ID,
      response: { id: ID, name: 'clear_charging_profile', type: 'response', data: { status: 'unknown', status_info: { reason_code: 'InvalidRequest' } } },
    });
    expect(handling.kind === 'refuse' && (handling.response!.data as { status_info?: { additional_info?: string } }).status_info?.additional_info).toMatch(/\/data\/charging_profile_id: must be >= 0/);
  });
  it('refuses an empty request (K10.FR.02)', () => {
    const handling = handleRequest(bytes({ id: ID, name: 'clear_charging_profile', type: 'request', data: {} }), ALL_MESSAGES);
    expect(handling.kind === 'refuse' && handling.problems).toEqual(['/data: must not be empty']);
  });
  it.each([
    ['non-JSON', 'hello'],
    ['non-UTF-8', Buffer.from([0xff, 0xfe])],
    ['an array', [1]],
    ['another request name', { id: ID, name: 'get_base_report', type: 'request', data: {} }],
    ['a response', { id: ID, name: 'clear_charging_profile', type: 'response', data: { status: 'accepted' } }],
    ['an invalid request with no id', { name: 'clear_charging_profile', type: 'request', data: {} }],
  ])('ignores %s', (_what, payload) => {
    expect(handleRequest(Buffer.isBuffer(payload) ? payload : bytes(payload), ALL_MESSAGES).kind).toBe('ignore');
  });
});

describe('checkProfiles', () => {
  it('accepts the built-in set, which covers all four purposes and station-wide EVSE "0"', () => {
    expect(checkProfiles(BUILT_IN_PROFILES.map(({ charging_profile: _whole, ...selected }) => selected)).ok).toBe(true);
    expect(BUILT_IN_PROFILES.every((p) => p.charging_profile?.id === p.id)).toBe(true);
    expect(new Set(BUILT_IN_PROFILES.map((p) => p.charging_profile_purpose))).toEqual(new Set(PURPOSES));
    expect(BUILT_IN_PROFILES.some((p) => p.evse_id === '0')).toBe(true);
  });
  it.each([
    [{ id: 1 }, 'expected a JSON array of profiles'],
    [[{ id: 1, evse_id: 'E1', charging_profile_purpose: 'TxProfile' }], 'entry 1 (id 1): missing field "stack_level"'],
    [[P(1, 'E1', 'TxProfile', 0), { ...P(2, 'E1', 'TxProfile', 0), charging_profile_purpose: 'Tx' }], 'entry 2 (id 2): charging_profile_purpose: "Tx" must be one of'],
    [[{ ...P(3, '', 'TxProfile', 0) }], 'entry 1 (id 3): evse_id: must match pattern'],
    [[{ ...P(3, 'E1', 'TxProfile', -1) }], 'entry 1 (id 3): stack_level: must be >= 0'],
    [[{ ...P(3, 'E1', 'TxProfile', 0), colour: 'red' }], 'entry 1 (id 3): unexpected field "colour"'],
    [[{ ...P(1.5, 'E1', 'TxProfile', 0) }], 'entry 1 (id 1.5): id: must be integer'],
    [[P(1, 'E1', 'TxProfile', 0), P(1, 'E2', 'TxProfile', 0)], 'entry 2: id 1 is already used by entry 1'],
  ])('refuses %j', (data, problem) => {
    const checked = checkProfiles(data);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problem).toContain(problem);
  });
});

describe('describeSelector', () => {
  it('words a selector as the flags do', () => {
    expect(describeSelector({ charging_profile_id: 1 })).toBe('id=1');
    expect(describeSelector({ charging_profile_criteria: { evse_id: '0', charging_profile_purpose: 'TxProfile', stack_level: 2 } })).toBe(
      'evse_id=0 purpose=TxProfile stack_level=2',
    );
    expect(describeSelector(null)).toBe('an invalid request');
  });
});

describe('applyChanges: a decision applied to the station', () => {
  it('takes out what was removed and adds what was installed, in place', () => {
    const profiles = [...station];
    const [first, second] = profiles;
    const added = P(99, '1', 'TxDefaultProfile', 0);
    applyChanges(profiles, [first!], [added]);
    expect(profiles).not.toContain(first);
    expect(profiles).toContain(second);
    expect(profiles.at(-1)).toBe(added);
    expect(profiles).toHaveLength(station.length);
  });

  it('leaves every profile in place when a removed one is not held (never the last one, as indexOf -1 would)', () => {
    const profiles = [...station];
    applyChanges(profiles, [P(1, '1', 'TxProfile', 0)], []);
    expect(profiles).toEqual(station);
  });
});
