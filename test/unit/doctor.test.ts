/** `scp doctor`'s judgements (src/core/doctor.ts): where each check turns from pass to warn to fail. */
import { describe, expect, it } from 'vitest';
import { brokerCheck, clockCheck, roundTripCheck, serviceCheck, spanWords, worstOf, type Check } from '../../src/core/doctor.js';
import { TimeoutError } from '../../src/core/errors.js';
import type { Settled } from '../../src/core/result.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const answer = (data: object): Settled => ({ kind: 'answer', response: { id: 'x', name: 'n', type: 'response', data } });
const scheduleAt = (start: string) => answer({ status: 'Accepted', schedule: { schedule_start: start } });
const at = (offsetS: number) => new Date(NOW + offsetS * 1000).toISOString();

describe('the broker', () => {
  const tls = { broker: 'mqtts://b:8883', tls: true, insecure: false, mqttVersion: '5' as const, now: NOW };
  const expiring = (days: number) => ({ validTo: new Date(NOW + days * 86_400_000 + 3_600_000).toISOString(), subject: 'b' });
  it.each([
    [400, 'pass'],
    [30, 'pass'],
    [29, 'warn'],
    [0, 'warn'],
    [-2, 'fail'],
  ])('a certificate with %i days left: %s', (days, status) => {
    const check = brokerCheck({ ...tls, certificate: expiring(days) });
    expect([check.status, check.figures.days_to_expiry]).toEqual([status, days]);
  });
  it('names the login and the version; without TLS no days', () => {
    const check = brokerCheck({ broker: 'mqtt://b', tls: false, insecure: false, mqttVersion: '3.1.1', username: 'ops', now: NOW });
    expect(check).toEqual({ name: 'broker', status: 'pass', detail: 'mqtt://b reached; no TLS; logged in as ops; MQTT 3.1.1 accepted', figures: { broker: 'mqtt://b', tls: false, days_to_expiry: null, username: 'ops', mqtt_version: '3.1.1' } });
  });
});

describe('the service', () => {
  it.each([
    ['ready', undefined, 'pass'],
    ['ready', 'speaks another API', 'warn'],
    ['starting', undefined, 'fail'],
    ['busy', undefined, 'fail'],
    ['error', undefined, 'fail'],
  ])('%s (api warning %s): %s', (status, warning, expected) => {
    expect(serviceCheck(answer({ service: 'smart_charging', status }), warning).status).toBe(expected);
  });
  it('no answer: a fail in the words of the silence', () => {
    expect(serviceCheck({ kind: 'failed', error: new TimeoutError('no answer within 1 s on x') }, undefined)).toMatchObject({ status: 'fail', detail: 'no answer within 1 s on x' });
    expect(serviceCheck({ kind: 'invalid', envelope: {}, problems: ['data/status: bad'] }, undefined).detail).toBe('an answer with our id that is not as the API says: data/status: bad');
  });
});

describe('the round trip', () => {
  const asked = { evse: '0', responseTopic: 't' };
  it.each([
    [12, 'pass'],
    [1000, 'pass'],
    [1001, 'warn'],
  ])('%i ms: %s', (ms, status) => expect(roundTripCheck(scheduleAt(at(0)), ms, asked).status).toBe(status));
  it('Rejected: a warning naming the EVSE', () => {
    expect(roundTripCheck(answer({ status: 'Rejected' }), 5, asked).detail).toBe('get_composite_schedule for EVSE 0 answered on t in 5 ms, but Rejected: does the station have EVSE 0? (--evse; 0 is the whole station)');
  });
});

describe('the clock', () => {
  it.each([
    [0, 'pass'],
    [-1, 'pass'],
    [-5, 'pass'],
    [-6, 'warn'],
    [60, 'warn'],
    [61, 'fail'],
    [-3600, 'fail'],
  ])('the station %i s from ours: %s', (skew, status) => expect(clockCheck(scheduleAt(at(skew)), NOW).status).toBe(status));
  it('says which way and by how much', () => {
    expect(clockCheck(scheduleAt(at(-185)), NOW).detail).toMatch(/^the station's clock is 3 min 5 s behind ours: /);
    expect(clockCheck(scheduleAt(at(20)), NOW).detail).toMatch(/^the station's clock is 20 s ahead of ours: /);
    expect(clockCheck(scheduleAt(at(-75)), NOW).figures).toEqual({ skew_s: -75, station_time: at(-75) });
  });
  it('no answer: skipped; an answer without a schedule: a warning', () => {
    expect(clockCheck({ kind: 'failed', error: new TimeoutError('x') }, NOW).status).toBe('skip');
    expect(clockCheck(answer({ status: 'Rejected' }), NOW).status).toBe('warn');
  });
});

describe('spanWords and worstOf', () => {
  it.each([
    [3, '3 s'],
    [119, '119 s'],
    [120, '2 min'],
    [185, '3 min 5 s'],
    [7200, '2 h'],
    [7500, '2 h 5 min'],
  ])('%i s: %s', (seconds, words) => expect(spanWords(seconds)).toBe(words));
  const of = (...statuses: Check['status'][]) => statuses.map((status) => ({ name: 'clock', status, detail: '', figures: {} }) as Check);
  it('a station is as bad as its worst check; a skip counts as a fail', () => {
    expect([worstOf(of('pass', 'pass')), worstOf(of('pass', 'warn')), worstOf(of('warn', 'fail')), worstOf(of('pass', 'skip'))]).toEqual(['pass', 'warn', 'fail', 'fail']);
  });
});
