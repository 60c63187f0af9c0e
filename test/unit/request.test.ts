import { describe, expect, it } from 'vitest';
import { clear, requestWarnings, type ClearSelectorInput } from '../../src/messages/clear/index.js';
import { buildRequest } from '../../src/messages/kind.js';
import { checkClearRequest } from '../../src/messages/clear/index.js';
import { UsageError } from '../../src/core/errors.js';

const ID = '2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1';
const build = (input: ClearSelectorInput) => buildRequest(clear, input, () => ID);

describe('buildRequest of a clear', () => {
  const valid: Array<[ClearSelectorInput, object]> = [
    [{ id: '1' }, { charging_profile_id: 1 }],
    [{ id: '0' }, { charging_profile_id: 0 }],
    [{ id: '2147483647' }, { charging_profile_id: 2147483647 }],
    [{ evse: 'GB*SEV*123' }, { charging_profile_criteria: { evse_id: 'GB*SEV*123' } }],
    [{ evse: '0' }, { charging_profile_criteria: { evse_id: '0' } }],
    [{ purpose: 'TxProfile' }, { charging_profile_criteria: { charging_profile_purpose: 'TxProfile' } }],
    [{ stackLevel: '0' }, { charging_profile_criteria: { stack_level: 0 } }],
    [
      { evse: 'GB*SEV*E123456789', purpose: 'TxDefaultProfile', stackLevel: '2' },
      { charging_profile_criteria: { evse_id: 'GB*SEV*E123456789', charging_profile_purpose: 'TxDefaultProfile', stack_level: 2 } },
    ],
  ];
  for (const [input, data] of valid) {
    it(`builds ${JSON.stringify(data)} from ${JSON.stringify(input)}`, () => {
      const request = build(input);
      expect(request).toEqual({ id: ID, name: 'clear_charging_profile', type: 'request', data });
      expect(checkClearRequest(request).ok).toBe(true);
    });
  }

  const invalid: Array<[ClearSelectorInput, string]> = [
    [{}, 'nothing to clear: give --id, or at least one of --evse, --purpose, --stack-level (OCPP 2.0.1 K10.FR.02 forbids a request without either)'],
    [{ id: '-1' }, '--id: -1 is not allowed; expected an integer from 0 to 2147483647'],
    [{ id: '2147483648' }, '--id: 2147483648 is not allowed; expected an integer from 0 to 2147483647'],
    [{ id: '1e3' }, '--id: "1e3" is not allowed; expected an integer from 0 to 2147483647'],
    [{ id: '0x10' }, '--id: "0x10" is not allowed; expected an integer from 0 to 2147483647'],
    [{ id: ' 7' }, '--id: " 7" is not allowed; expected an integer from 0 to 2147483647'],
    [{ id: '' }, '--id: "" is not allowed; expected an integer from 0 to 2147483647'],
    [{ stackLevel: '1.5' }, '--stack-level: "1.5" is not allowed; expected an integer from 0 to 2147483647'],
    [{ evse: '' }, '--evse: "" is not allowed; expected a non-empty EVSE id without spaces or control characters, e.g. GB*SEV*123'],
    [{ evse: 'GB\tSEV' }, '--evse: "GB\\tSEV" is not allowed; expected a non-empty EVSE id without spaces or control characters, e.g. GB*SEV*123'],
    [{ purpose: 'Tx' }, '--purpose: "Tx" is not allowed; expected one of ChargingStationExternalConstraints, ChargingStationMaxProfile, TxDefaultProfile, TxProfile (did you mean TxDefaultProfile or TxProfile?)'],
    [{ purpose: 'txprofile' }, '--purpose: "txprofile" is not allowed; expected one of ChargingStationExternalConstraints, ChargingStationMaxProfile, TxDefaultProfile, TxProfile (did you mean TxProfile?)'],
    [{ id: '1', evse: 'GB*SEV*123' }, '--id cannot be combined with --evse, --purpose or --stack-level: the station clears by id and ignores criteria; use one or the other'],
  ];
  for (const [input, message] of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      expect(() => build(input)).toThrow(new UsageError(message));
    });
  }
});

describe('requestWarnings', () => {
  it('warns about ChargingStationExternalConstraints (K10.FR.06) and nothing else', () => {
    expect(requestWarnings(build({ purpose: 'ChargingStationExternalConstraints' }))).toHaveLength(1);
    expect(requestWarnings(build({ purpose: 'TxProfile' }))).toEqual([]);
    expect(requestWarnings(build({ id: '1' }))).toEqual([]);
  });
});

describe('the request schema', () => {
  const base = { id: ID, name: 'clear_charging_profile', type: 'request' };
  const refused: Array<[string, unknown]> = [
    ['empty data (K10.FR.02)', { ...base, data: {} }],
    ['empty criteria (K10.FR.02)', { ...base, data: { charging_profile_criteria: {} } }],
    ['an id that is not a UUID', { ...base, id: 'abc', data: { charging_profile_id: 1 } }],
    ['another name', { ...base, name: 'clear', data: { charging_profile_id: 1 } }],
    ['type response', { ...base, type: 'response', data: { charging_profile_id: 1 } }],
    ['an unknown envelope field', { ...base, extra: 1, data: { charging_profile_id: 1 } }],
    ['an unknown data field', { ...base, data: { charging_profile_id: 1, evse_id: 'x' } }],
    ['an unknown criteria field', { ...base, data: { charging_profile_criteria: { evse: 'x' } } }],
    ['a numeric evse_id', { ...base, data: { charging_profile_criteria: { evse_id: 1 } } }],
    ['a string profile id', { ...base, data: { charging_profile_id: '1' } }],
    ['a fractional stack level', { ...base, data: { charging_profile_criteria: { stack_level: 1.5 } } }],
    ['no data', base],
  ];
  for (const [what, envelope] of refused) {
    it(`refuses ${what}`, () => expect(checkClearRequest(envelope).ok).toBe(false));
  }
  it('accepts an id with criteria (the schema follows OCPP; the CLI is stricter)', () => {
    expect(checkClearRequest({ ...base, data: { charging_profile_id: 1, charging_profile_criteria: { stack_level: 0 } } }).ok).toBe(true);
  });
});
