import { describe, expect, it } from 'vitest';
import { classifyResponse } from '../../src/core/response.js';
import { clear } from '../../src/messages/clear/index.js';
import { checkClearResponse } from '../../src/messages/clear/index.js';

const ID = 'bb9655e5-21e0-482d-8bc1-67ffdf23539c';
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const envelope = (data: unknown, extra: object = {}) => ({ id: ID, name: 'clear_charging_profile', type: 'response', data, ...extra });

describe('classifyResponse', () => {
  it('takes a schema-valid answer with our id', () => {
    const answer = envelope({ status: 'accepted' });
    expect(classifyResponse(clear, bytes(answer), ID)).toEqual({ kind: 'answer', response: answer });
  });

  it('keeps status_info', () => {
    const answer = envelope({ status: 'unknown', status_info: { reason_code: 'NoProfile', additional_info: 'none' } });
    expect(classifyResponse(clear, bytes(answer), ID)).toEqual({ kind: 'answer', response: answer });
  });

  const foreign: Array<[string, Uint8Array, string]> = [
    ['another id', bytes(envelope({ status: 'accepted' }, { id: '2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1' })), 'is not ours'],
    ['no id', bytes({ name: 'clear_charging_profile', type: 'response', data: { status: 'accepted' } }), 'is not ours'],
    ['our id under another name', bytes(envelope({ status: 'accepted' }, { name: 'get_charging_profiles' })), 'is not clear_charging_profile'],
    ['our own request echoed', bytes(envelope({ charging_profile_id: 1 }, { type: 'request' })), 'is not response'],
    ['non-JSON', bytes('accepted'), 'not JSON'],
    ['non-UTF-8', Uint8Array.from([0xc3, 0x28]), 'not UTF-8'],
    ['a JSON array', bytes([ID]), 'not a JSON object'],
    ['JSON null', bytes('null'), 'not a JSON object'],
    ['an empty payload', new Uint8Array(), 'not JSON'],
  ];
  for (const [what, payload, reason] of foreign) {
    it(`ignores ${what}`, () => {
      const classified = classifyResponse(clear, payload, ID);
      expect(classified.kind).toBe('foreign');
      expect(classified.kind === 'foreign' && classified.reason).toContain(reason);
    });
  }

  it('ignores a retained message even with our id: it predates the request', () => {
    expect(classifyResponse(clear, bytes(envelope({ status: 'accepted' })), ID, { retained: true }).kind).toBe('foreign');
  });

  const invalid: Array<[string, unknown, string]> = [
    ['a bad status', envelope({ status: 'Accepted' }), '/data/status: "Accepted" must be one of accepted, unknown'],
    ['a missing status', envelope({}), '/data: missing field "status"'],
    ['an extra data field', envelope({ status: 'accepted', more: 1 }), '/data: unexpected field "more"'],
    ['an extra envelope field', envelope({ status: 'accepted' }, { extra: true }), '(envelope): unexpected field "extra"'],
    ['a numeric reason_code', envelope({ status: 'unknown', status_info: { reason_code: 7 } }), '/data/status_info/reason_code: must be string'],
    ['no data', { id: ID, name: 'clear_charging_profile', type: 'response' }, '(envelope): missing field "data"'],
  ];
  for (const [what, answer, problem] of invalid) {
    it(`calls ${what} an invalid response`, () => {
      const classified = classifyResponse(clear, bytes(answer), ID);
      expect(classified.kind).toBe('invalid');
      expect(classified.kind === 'invalid' && classified.problems).toContain(problem);
    });
  }

  it('does not enforce OCPP length limits the seed does not state', () => {
    expect(checkClearResponse(envelope({ status: 'unknown', status_info: { reason_code: 'x'.repeat(100), additional_info: 'y'.repeat(2000) } })).ok).toBe(true);
  });
});
