import { describe, expect, it } from 'vitest';
import { chooseProfile, layerProfile, parseConfig, PROFILE_KEYS, type LayeredSettings, type Source } from '../../src/commands/config-file.js';

const PATH = '/etc/scp/config.json';
const parse = (value: unknown) => parseConfig(JSON.stringify(value), PATH);
const refusal = (text: string) => {
  try {
    parseConfig(text, PATH);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('parseConfig: every bad input is one line naming the file, the key and what is allowed', () => {
  it('accepts a file with two sites', () => {
    const config = parse({ default_profile: 'a', profiles: { a: { broker: 'mqtt://a:1883' }, b: { broker: 'mqtts://b:8883', password_env: 'B_PW', timeout: 2.5 } } });
    expect(Object.keys(config.profiles!)).toEqual(['a', 'b']);
  });

  it('not JSON: says where, by line and column', () => {
    expect(refusal('{\n  "profiles": {\n    "a": { "broker": "mqtt://a", }\n  }\n}')).toMatch(
      /^config \/etc\/scp\/config\.json: not valid JSON at line 3, column 34 \(/,
    );
    expect(refusal('{"profiles": ')).toMatch(/^config \/etc\/scp\/config\.json: not valid JSON at line 1, column 14 \(/);
  });

  it('an unknown key: names it and the allowed ones', () => {
    expect(refusal('{"profile": {}}')).toBe(
      'config /etc/scp/config.json: (top level): unknown key "profile" (did you mean profiles?); allowed: $schema, default_profile, profiles',
    );
    expect(refusal('{"profiles": {"lab": {"brokr": "mqtt://x"}}}')).toBe(
      `config /etc/scp/config.json: profiles.lab: unknown key "brokr" (did you mean broker?); allowed: ${PROFILE_KEYS.join(', ')}`,
    );
  });

  it('a literal password: refused, pointing at password_file and password_env', () => {
    expect(refusal('{"profiles": {"lab": {"password": "hunter2"}}}')).toMatch(
      /^config \/etc\/scp\/config\.json: profiles\.lab: "password" is not allowed.*use password_file .* or password_env/,
    );
    expect(refusal('{"profiles": {"lab": {"password": "hunter2"}}}')).not.toContain('hunter2');
  });

  it('a wrong type or value', () => {
    expect(refusal('{"profiles": {"lab": {"timeout": "ten"}}}')).toBe('config /etc/scp/config.json: profiles.lab.timeout: "ten" is not allowed; expected a number of seconds above 0');
    expect(refusal('{"profiles": {"lab": {"mqtt_version": 5}}}')).toBe('config /etc/scp/config.json: profiles.lab.mqtt_version: 5 is not allowed; expected "3.1.1" or "5" (a string)');
    expect(refusal('{"profiles": {"lab": {"insecure": "yes"}}}')).toBe('config /etc/scp/config.json: profiles.lab.insecure: "yes" is not allowed; expected true or false');
    expect(refusal('{"profiles": {"lab": {"qos": 0}}}')).toBe('config /etc/scp/config.json: profiles.lab.qos: 0 is not allowed; expected 1 or 2');
    expect(refusal('{"profiles": []}')).toBe('config /etc/scp/config.json: profiles: [] is not allowed; expected an object');
    expect(refusal('[]')).toBe('config /etc/scp/config.json: (top level): [] is not allowed; expected an object');
  });

  it('values the flags would refuse are refused in the profile\'s own words', () => {
    expect(refusal('{"profiles": {"lab": {"broker": "http://x"}}}')).toBe(
      'config /etc/scp/config.json: profiles.lab.broker: scheme "http" is not supported; use one of mqtt, mqtts, ws, wss',
    );
    expect(refusal('{"profiles": {"lab": {"request_topic": "a/#"}}}')).toMatch(/^config \/etc\/scp\/config\.json: profiles\.lab\.request_topic: "a\/#" is not allowed/);
    expect(refusal('{"profiles": {"lab": {"password_file": "a", "password_env": "B"}}}')).toMatch(/password_env: give password_file or password_env, not both$/);
    expect(refusal('{"profiles": {"lab": {"cert": "c.pem"}}}')).toMatch(/profiles\.lab\.cert: give cert and key together, or neither$/);
    expect(refusal('{"default_profile": "prod", "profiles": {"lab": {}}}')).toBe('config /etc/scp/config.json: default_profile: no profile "prod"; profiles: lab');
  });
});

describe('chooseProfile: --profile / SCP_PROFILE, else default_profile, else none', () => {
  const config = parse({ default_profile: 'lab', profiles: { lab: {}, 'site-a': {} } });
  it('picks by name, then by default', () => {
    expect(chooseProfile(config, { name: 'site-a', from: '--profile' }, PATH)?.name).toBe('site-a');
    expect(chooseProfile(config, { name: 'site-a', from: 'SCP_PROFILE' }, PATH)?.from).toBe('SCP_PROFILE');
    expect(chooseProfile(config, undefined, PATH)).toMatchObject({ name: 'lab', from: 'default_profile' });
    expect(chooseProfile(parse({ profiles: { lab: {} } }), undefined, PATH)).toBeUndefined();
    expect(chooseProfile(undefined, undefined, PATH)).toBeUndefined();
  });
  it('an unknown profile lists the existing ones', () => {
    expect(() => chooseProfile(config, { name: 'site-b', from: '--profile' }, PATH)).toThrow(
      '--profile: no profile "site-b" in /etc/scp/config.json; profiles: lab, site-a',
    );
    expect(() => chooseProfile(undefined, { name: 'x', from: 'SCP_PROFILE' }, PATH)).toThrow('SCP_PROFILE: no profile "x": there is no config file at /etc/scp/config.json');
  });
});

describe('layerProfile: flag > environment > profile > default, for every setting', () => {
  const profile = {
    broker: 'mqtt://profile:1883',
    username: 'profile-user',
    password_file: 'secrets/pw',
    ca: '/abs/ca.pem',
    cert: 'c.pem',
    key: 'k.pem',
    insecure: true,
    mqtt_version: '5',
    request_topic: 'p/req',
    response_topic: 'p/res',
    qos: 2,
    timeout: 7,
    connect_timeout: 3,
  } as const;
  const chosen = { name: 'lab', profile, from: '--profile' };
  const expected: Record<string, string | boolean> = {
    broker: 'mqtt://profile:1883',
    username: 'profile-user',
    passwordFile: '/etc/scp/secrets/pw',
    ca: '/abs/ca.pem',
    cert: '/etc/scp/c.pem',
    key: '/etc/scp/k.pem',
    insecure: true,
    mqttVersion: '5',
    requestTopic: 'p/req',
    responseTopic: 'p/res',
    qos: '2',
    timeout: '7',
    connectTimeout: '3',
  };
  const layer = (source: Source | undefined) => {
    const given: LayeredSettings = { values: {}, sources: {} };
    for (const option of Object.keys(expected)) {
      given.values[option] = source === undefined ? undefined : `from-${source}`;
      given.sources[option] = source;
    }
    return layerProfile(given, chosen, PATH);
  };

  for (const option of Object.keys(expected)) {
    it(`${option}: the profile fills a default or an unset value; an env or flag value stays`, () => {
      for (const source of [undefined, 'default'] as const) {
        const { values, sources } = layer(source);
        expect(values[option]).toBe(expected[option]);
        expect(sources[option]).toBe('profile');
      }
      for (const source of ['env', 'flag'] as const) {
        const { values, sources } = layer(source);
        expect(values[option]).toBe(`from-${source}`);
        expect(sources[option]).toBe(source);
      }
    });
  }

  it('SCP_PASSWORD hides the profile\'s password_file and password_env', () => {
    const fromEnv = layerProfile({ values: {}, sources: { password: 'env' } }, chosen, PATH);
    expect(fromEnv.values.passwordFile).toBeUndefined();
    const withEnvName = layerProfile({ values: {}, sources: { password: 'env' } }, { ...chosen, profile: { password_env: 'LAB_PW' } }, PATH);
    expect(withEnvName.values.passwordEnv).toBeUndefined();
    const none = layerProfile({ values: {}, sources: {} }, { ...chosen, profile: { password_env: 'LAB_PW' } }, PATH);
    expect(none.values.passwordEnv).toBe('LAB_PW');
  });

  it('a client id from a flag or env hides client_id_prefix', () => {
    const prefix = { ...chosen, profile: { client_id_prefix: 'lab-' } };
    expect(layerProfile({ values: {}, sources: {} }, prefix, PATH).values.clientIdPrefix).toBe('lab-');
    expect(layerProfile({ values: { clientId: 'x' }, sources: { clientId: 'env' } }, prefix, PATH).values.clientIdPrefix).toBeUndefined();
  });

  it('brokers: the nodes of a cluster, a list as --broker given once per node would make; flags still win', () => {
    const cluster = { ...chosen, profile: { brokers: ['mqtt://n1:1883', 'mqtt://n2:1883'] as [string, ...string[]] } };
    expect(layerProfile({ values: { broker: 'mqtt://localhost:1883' }, sources: { broker: 'default' } }, cluster, PATH).values.broker).toEqual(['mqtt://n1:1883', 'mqtt://n2:1883']);
    expect(layerProfile({ values: { broker: ['mqtt://x:1'] }, sources: { broker: 'flag' } }, cluster, PATH).values.broker).toEqual(['mqtt://x:1']);
    expect(refusal('{"profiles": {"lab": {"broker": "mqtt://a", "brokers": ["mqtt://b"]}}}')).toBe('config /etc/scp/config.json: profiles.lab.brokers: give broker or brokers, not both');
    expect(refusal('{"profiles": {"lab": {"brokers": ["mqtt://b", "ftp://c"]}}}')).toMatch(/^config \/etc\/scp\/config\.json: profiles\.lab\.brokers\[1\]: /);
    expect(refusal('{"profiles": {"lab": {"brokers": []}}}')).toMatch(/^config \/etc\/scp\/config\.json: profiles\.lab\.brokers: /);
  });

  it('no profile, no change', () => {
    const given: LayeredSettings = { values: { broker: 'mqtt://x' }, sources: { broker: 'default' } };
    expect(layerProfile(given, undefined, PATH)).toEqual(given);
  });
});
