import { describe, expect, it } from 'vitest';
import { checkTopic, envFlag, parseBrokerUrl, parseMqttVersion, parseSeconds, redactUrl } from '../../src/core/settings.js';
import { colorLevel } from '../../src/output/render.js';
import { printable } from '../../src/output/plain.js';
import { EXIT, InterruptedError, TimeoutError, exitStatus } from '../../src/core/errors.js';
import { connectError } from '../../src/transport/client.js';
import { advised } from '../../src/connection/advice.js';

describe('parseBrokerUrl', () => {
  it.each(['mqtt://localhost:1883', 'mqtts://broker.example:8883', 'ws://h/mqtt', 'wss://h:443/mqtt'])('accepts %s', (url) => {
    expect(parseBrokerUrl(url).href).toContain(url.split(':')[0]);
  });
  it.each([
    ['localhost:1883', 'scheme "localhost" is not supported'],
    ['tcp://h:1883', 'scheme "tcp" is not supported'],
    ['not a url', 'is not a URL'],
    ['mqtt://', 'names no host'],
  ])('refuses %s', (url, message) => {
    expect(() => parseBrokerUrl(url)).toThrow(message);
  });
});

describe('redactUrl', () => {
  it('hides a password and keeps the rest', () => {
    expect(redactUrl('mqtt://op:s3cret@h:1883')).toBe('mqtt://op:***@h:1883');
    expect(redactUrl('mqtt://h:1883')).toBe('mqtt://h:1883');
    expect(redactUrl('mqtt//op:s3cret@h')).not.toContain('s3cret');
  });
});

describe('parseSeconds', () => {
  it.each([['10', 10], ['0.5', 0.5], ['.25', 0.25], ['2147483', 2147483]])('reads %s', (raw, seconds) => {
    expect(parseSeconds('--timeout', raw)).toBe(seconds);
  });
  it.each(['0', '-1', 'ten', '', '1e3', 'Infinity', '2147484'])('refuses %j', (raw) => {
    expect(() => parseSeconds('--timeout', raw)).toThrow(/^--timeout: .* is not allowed; expected a positive number of seconds/);
  });
});

describe('parseMqttVersion', () => {
  it('maps 3.1.1 and 5 to protocol levels 4 and 5', () => {
    expect(parseMqttVersion('3.1.1')).toBe(4);
    expect(parseMqttVersion('5')).toBe(5);
    expect(() => parseMqttVersion('3')).toThrow('--mqtt-version: "3" is not supported; use 3.1.1 or 5');
  });
});

describe('checkTopic', () => {
  it('refuses wildcards in the request topic and malformed response filters', () => {
    expect(() => checkTopic('--request-topic', 'a/+', { wildcards: false })).toThrow('--request-topic');
    expect(() => checkTopic('--request-topic', '', { wildcards: false })).toThrow('--request-topic');
    expect(checkTopic('--response-topic', 'a/+/c/#', { wildcards: true })).toBe('a/+/c/#');
    expect(() => checkTopic('--response-topic', 'a/#/c', { wildcards: true })).toThrow('--response-topic');
    expect(() => checkTopic('--response-topic', 'a+', { wildcards: true })).toThrow('--response-topic');
  });
});

describe('envFlag', () => {
  it.each([['1', true], ['true', true], ['YES', true], ['0', false], ['false', false], ['', false], [undefined, false]])('%j -> %j', (value, on) => {
    expect(envFlag(value)).toBe(on);
  });
});

describe('colorLevel', () => {
  it.each([
    [undefined, {}, true, 1],
    [undefined, {}, false, 0],
    [false, {}, true, 0],
    [undefined, { NO_COLOR: '1' }, true, 0],
    [undefined, { NO_COLOR: '' }, true, 1],
    [undefined, { FORCE_COLOR: '1' }, false, 1],
    [undefined, { FORCE_COLOR: '0' }, true, 0],
    [undefined, { FORCE_COLOR: '1', NO_COLOR: '1' }, false, 0],
    [undefined, { TERM: 'dumb' }, true, 0],
    [false, { FORCE_COLOR: '1' }, true, 0],
  ] as const)('flag %j env %j tty %j -> %j', (flag, env, tty, level) => {
    expect(colorLevel(flag, env, tty)).toBe(level);
  });
});

describe('printable', () => {
  it('escapes control characters so the service cannot drive the terminal', () => {
    expect(printable('a\u001b[31mb\nc')).toBe('a\\u001b[31mb\\u000ac');
    expect(printable('GB*SEV*123 ✓')).toBe('GB*SEV*123 ✓');
  });
});

describe('exitStatus', () => {
  it('maps outcomes and errors to the documented codes, the error first', () => {
    expect(exitStatus({})).toBe(0);
    expect(exitStatus({ outcomes: ['accepted'] })).toBe(0);
    expect(exitStatus({ outcomes: ['unknown'] })).toBe(1);
    expect(exitStatus({ outcomes: ['rejected'] })).toBe(1);
    expect(exitStatus({ outcomes: ['timeout'], error: new TimeoutError('t') })).toBe(3);
    expect(exitStatus({ outcomes: ['error'], error: new InterruptedError('i', 'SIGINT') })).toBe(130);
    expect(exitStatus({ outcomes: ['invalid_response'], error: new InterruptedError('i', 'SIGTERM') })).toBe(143);
    expect(EXIT).toMatchObject({ usage: 2, connection: 4, invalidResponse: 5 });
  });
});

describe('connection errors: the transport\'s fact, the command\'s advice', () => {
  const url = 'mqtt://op:pw-123@h:1883';
  it.each([
    [{ code: 'ECONNREFUSED', message: 'x' }, 'cannot connect to mqtt://op:***@h:1883: connection refused'],
    [{ code: 'ENOTFOUND', message: 'x' }, 'host not found'],
    [{ code: 5, message: 'Connection refused: Not authorized' }, 'refused the connection: Not authorized (code 5) (check --username'],
    [{ code: 135, message: 'Connection refused: Not authorized' }, '(code 135) (check --username'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'TLS to mqtt://op:***@h:1883 failed: self-signed certificate (pass --ca'],
  ])('%j', (error, message) => {
    // The transport's fact with the command's advice: what the operator reads.
    const text = advised(connectError(Object.assign(new Error(error.message), error), url)).message;
    expect(text).toContain(message);
    expect(text).not.toContain('pw-123');
  });
});
