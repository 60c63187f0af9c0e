/** service_status's entry and station without a broker: the API versions, the answer checks, what --watch takes as
 * news, input lines, and the simulator's topic pairs. */
import { describe, expect, it } from 'vitest';
import { followsApi, status } from '../../src/messages/status/index.js';
import { SIMULATED_API_VERSION, statusStation } from '../../src/messages/status/station.js';
import { parseInputLine, topicFlags } from '../../src/messages/kind.js';
import { stationsOn, topicPairs } from '../../src/simulator/service.js';
import { againstRequest } from '../../src/core/response.js';
import type { ServiceStatusRequest, ServiceStatusResponse } from '../../src/core/generated/types.js';

const ID = '6f1c1b9e-61a4-4b43-9a11-0a7a2f1c0b55';
const request = (service: ServiceStatusRequest['data']['service']): ServiceStatusRequest => ({ id: ID, name: 'service_status', type: 'request', data: { service } });
const answer = (data: Partial<ServiceStatusResponse['data']>): ServiceStatusResponse =>
  ({ id: ID, name: 'service_status', type: 'response', data: { service: 'smart_charging', status: 'ready', ...data } }) as ServiceStatusResponse;

describe('the API versions scp follows', () => {
  it.each([
    ['1.5.38', true],
    ['1.6.0', true],
    ['1.6.9', true],
    ['1.6.123', true],
    ['1.5.37', false],
    ['1.7.0', false],
    ['2.0.1', false],
    ['1.6', false],
    ['v1.6.9', false],
  ])('%s: %s', (version, follows) => {
    expect(followsApi(version)).toBe(follows);
  });

  it("the simulator's is one of them", () => {
    expect(followsApi(SIMULATED_API_VERSION)).toBe(true);
  });

  it('warns only about another version', () => {
    expect(status.answerWarnings!(answer({ api_version: '1.6.9' }))).toEqual([]);
    expect(status.answerWarnings!(answer({}))).toEqual([]);
    expect(status.answerWarnings!(answer({ api_version: '1.7.2' }))).toEqual([
      "smart_charging speaks API version 1.7.2; scp's schemas follow 1.5.38 to 1.6.x, so its answers may be read wrongly",
    ]);
  });
});

describe('an answer', () => {
  it('about another service than asked is invalid', () => {
    const invalid = againstRequest({ kind: 'answer', response: answer({ service: 'ocpp' }) }, request('smart_charging'), status);
    expect(invalid).toMatchObject({ kind: 'invalid', problems: ['data/service: "ocpp" is not the service asked (smart_charging)'] });
    expect(againstRequest({ kind: 'answer', response: answer({}) }, request('smart_charging'), status).kind).toBe('answer');
  });

  it('ready is accepted (exit 0); every other status rejected (exit 1)', () => {
    expect(status.summarize(answer({ status: 'ready' }))).toEqual({ outcome: 'accepted', status: 'ready' });
    for (const word of ['starting', 'stopping', 'error', 'busy'] as const) expect(status.summarize(answer({ status: word })).outcome).toBe('rejected');
  });

  it('shows the service and the versions it gives', () => {
    expect(status.answerLines!(answer({ software_version: '0.5.0', api_version: '1.6.9' }))).toEqual(['service: smart_charging', 'software_version: 0.5.0', 'api_version: 1.6.9']);
    expect(status.answerLines!(answer({}))).toEqual(['service: smart_charging']);
  });
});

describe('news for --watch', () => {
  const asked = request('smart_charging');
  it('an update or a response about the same service, checked as an answer', () => {
    expect(status.news!(asked, { id: 'u-1', name: 'service_status', type: 'update', data: { service: 'smart_charging', status: 'busy' } })?.data.status).toBe('busy');
    expect(status.news!(asked, { id: 'x', name: 'service_status', type: 'response', data: { service: 'smart_charging', status: 'ready' } })?.data.status).toBe('ready');
  });

  it.each([
    ['another service', { id: 'u', name: 'service_status', type: 'update', data: { service: 'ocpp', status: 'busy' } }],
    ['another message', { id: 'u', name: 'cp_status', type: 'update', data: { status: 'busy' } }],
    ['a request', { id: 'u', name: 'service_status', type: 'request', data: { service: 'smart_charging' } }],
    ['a status outside the list', { id: 'u', name: 'service_status', type: 'update', data: { service: 'smart_charging', status: 'Busy' } }],
    ['not an object', 'busy'],
    ['null', null],
  ])('not %s', (_what, envelope) => {
    expect(status.news!(asked, envelope)).toBeUndefined();
  });
});

describe('an --input line', () => {
  it('is a service name, or a JSON object with its station', () => {
    expect(parseInputLine(status, 'ocpp')).toEqual({ kind: 'request', data: { service: 'ocpp' } });
    expect(parseInputLine(status, '{"station": "17", "service": "smart_charging"}')).toEqual({ kind: 'request', data: { service: 'smart_charging' }, station: '17' });
    expect(parseInputLine(status, 'charging')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('expected a service name') });
  });
});

describe("the simulator's station", () => {
  const service = { status: 'busy', softwareVersion: '9.9.9' };
  it('answers for its Smart Charging service, as told, and for nothing else', () => {
    const none = () => {
      throw new Error('the status needs no station model');
    };
    expect(statusStation.decide([], request('smart_charging'), none, service).response).toEqual({
      id: ID,
      name: 'service_status',
      type: 'response',
      data: { service: 'smart_charging', status: 'busy', software_version: '9.9.9', api_version: SIMULATED_API_VERSION },
    });
    expect(statusStation.decide([], request('ocpp'), none, service).response).toBeUndefined();
    expect(statusStation.refuse(ID, ['bad'])).toBeUndefined();
  });

  it('announces its status when it starts, and stopping when it stops', () => {
    expect(statusStation.announce!('start', service)).toMatchObject({ type: 'update', data: { status: 'busy' } });
    expect(statusStation.announce!('stop', service)).toMatchObject({ type: 'update', data: { status: 'stopping' } });
  });
});

describe("the simulator's topic pairs", () => {
  const settings = { requestTopic: 'ocpp/smart_charging', responseTopic: 'smart_charging/ocpp', statusRequestTopic: 'cs/josev', statusResponseTopic: 'josev/cs' };
  it('the Smart Charging messages on their pair, service_status on the general one', () => {
    const pairs = topicPairs(settings);
    expect(pairs.map((pair) => [pair.requestTopic, pair.responseTopic, pair.messages.map((message) => message.name)])).toEqual([
      ['ocpp/smart_charging', 'smart_charging/ocpp', ['clear_charging_profile', 'set_charging_profile', 'get_composite_schedule']],
      ['cs/josev', 'josev/cs', ['service_status']],
    ]);
    const stations = stationsOn(undefined, pairs, []);
    expect(stations.subscriptions).toEqual(['ocpp/smart_charging', 'cs/josev']);
    expect(stations.route('cs/josev')).toMatchObject({ responseTopic: 'josev/cs', pair: { requestTopic: 'cs/josev' } });
    expect(stations.route('elsewhere')).toBeUndefined();
  });

  it('one pair when both are the same topics; refused when a request topic is shared with another answer topic', () => {
    expect(topicPairs({ ...settings, statusRequestTopic: 'ocpp/smart_charging', statusResponseTopic: 'smart_charging/ocpp' })).toHaveLength(1);
    expect(() => topicPairs({ ...settings, statusRequestTopic: 'ocpp/smart_charging' })).toThrow(/service_status: asked on ocpp\/smart_charging, like clear_charging_profile, but answered on josev\/cs/);
  });

  it('with --stations, a pair without {station} is not served, and a templated one routes by station', () => {
    const pairs = topicPairs({ ...settings, requestTopic: 's/{station}/ocpp', responseTopic: 's/{station}/sc' });
    const stations = stationsOn(2, pairs, []);
    expect(stations.skipped.map((pair) => pair.requestTopic)).toEqual(['cs/josev']);
    expect(stations.subscriptions).toEqual(['s/+/ocpp']);
    expect(stations.route('s/2/ocpp')).toMatchObject({ station: { name: '2' }, responseTopic: 's/2/sc' });
    expect(stations.route('s/3/ocpp')).toBeUndefined();
  });

  it("refusals name a message's own topic flags", () => {
    expect(topicFlags(status)).toEqual(['--status-request-topic', '--status-response-topic']);
    expect(topicFlags({})).toEqual(['--request-topic', '--response-topic']);
  });
});
