/**
 * Topic templates (core/fleet.ts): `{station}` as one whole topic level, filled per request, `+` for the one
 * subscription, the station read back from a topic, and each refusal in the words of what set it.
 */
import { describe, expect, it } from 'vitest';
import { checkStation, checkTemplate, checkTemplates, fillTopic, stationOf, stationTopics, subscriptionOf } from '../../src/core/fleet.js';

const TEMPLATE = { requestTopic: 'stations/{station}/ocpp/smart_charging', responseTopic: 'stations/{station}/smart_charging/ocpp' };
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('topic templates', () => {
  it('fill, subscribe with +, and read the station back', () => {
    expect(fillTopic(TEMPLATE.requestTopic, 'GB-17')).toBe('stations/GB-17/ocpp/smart_charging');
    expect(subscriptionOf(TEMPLATE.responseTopic)).toBe('stations/+/smart_charging/ocpp');
    expect(stationOf(TEMPLATE.requestTopic, 'stations/GB-17/ocpp/smart_charging')).toBe('GB-17');
    expect(stationOf(TEMPLATE.requestTopic, 'stations/GB-17/ocpp/other')).toBeUndefined();
    expect(stationOf(TEMPLATE.requestTopic, 'stations/GB-17/ocpp/smart_charging/x')).toBeUndefined();
    expect(stationOf('{station}', 'x')).toBe('x');
  });

  it('{station} only as one whole level, once', () => {
    expect(checkTemplate('--request-topic', 'a/{station}/b')).toBe('a/{station}/b');
    expect(checkTemplate('--request-topic', 'plain/topic')).toBe('plain/topic');
    for (const bad of ['a/st{station}/b', 'a/{station}/{station}', '{station}x']) {
      expect(refusal(() => checkTemplate('--request-topic', bad))).toBe(`--request-topic: ${JSON.stringify(bad)} is not allowed; {station} must be one whole topic level, once, e.g. stations/{station}/ocpp/smart_charging`);
    }
  });

  it('both topics name {station}, or neither', () => {
    expect(checkTemplates(TEMPLATE.requestTopic, TEMPLATE.responseTopic)).toBe(true);
    expect(checkTemplates('a', 'b')).toBe(false);
    expect(refusal(() => checkTemplates('a', TEMPLATE.responseTopic))).toBe('--request-topic: must name {station} too, since --response-topic does (a request and its answer belong to one station)');
  });

  it('a station id is one topic level', () => {
    expect(checkStation('--station', 'GB*SEV*17')).toBe('GB*SEV*17');
    for (const bad of ['', 'a/b', 'a+b', '#', 'a\u0000', 'x'.repeat(129)]) expect(refusal(() => checkStation('--station', bad)), bad).toMatch(/^--station: .* is not allowed; expected a station id of 1 to 128 characters/);
  });

  it('the topics of one request: filled where templated, refused in the caller\'s words otherwise', () => {
    expect(stationTopics(TEMPLATE, '7')).toEqual({ requestTopic: 'stations/7/ocpp/smart_charging', responseTopic: 'stations/7/smart_charging/ocpp', station: '7' });
    expect(stationTopics({ requestTopic: 'a', responseTopic: 'b' }, undefined)).toEqual({ requestTopic: 'a', responseTopic: 'b' });
    expect(refusal(() => stationTopics(TEMPLATE, undefined, 'station'))).toBe(`station: required, since the topics name {station} (${TEMPLATE.requestTopic})`);
    expect(refusal(() => stationTopics({ requestTopic: 'a', responseTopic: 'b' }, '7'))).toMatch(/^--station: the topics do not name \{station\}/);
  });
});
