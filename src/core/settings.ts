/**
 * Parsers of the connection settings' values (broker URLs, MQTT versions, QoS, ports, seconds, topics), each naming
 * what it refuses by the label it is given (a flag, or the config file's key), and how a broker URL is shown without
 * its password. Pure.
 */
import { didYouMeanValue } from './similar.js';
import { UsageError } from './errors.js';
import { checkTemplate } from './fleet.js';
import { wholeNumber } from './fields.js';

/** MQTT.js also speaks tcp:, ssl:, wx: and ali:; an operator's tool accepts only what it documents. */
export const BROKER_SCHEMES = ['mqtt', 'mqtts', 'ws', 'wss'] as const;
/** A Map, not an object: integer-like keys ("5") would otherwise list before "3.1.1" in messages. */
export const MQTT_VERSIONS: ReadonlyMap<string, 4 | 5> = new Map([
  ['3.1.1', 4],
  ['5', 5],
]);
export type ProtocolVersion = 4 | 5;

/** Node's timers hold at most 2^31-1 ms; a longer delay fires at once, which would turn a wait into no wait. */
const MAX_SECONDS = Math.floor(2_147_483_647 / 1000);

/** Each parser names what it refuses by `label`: the flag, or the config file's key the value came from. */
export function parseBrokerUrl(raw: string, label = '--broker'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${label}: ${JSON.stringify(redactUrl(raw))} is not a URL; expected e.g. mqtt://host:1883`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!(BROKER_SCHEMES as readonly string[]).includes(scheme)) {
    throw new UsageError(`${label}: scheme ${JSON.stringify(scheme)} is not supported; use one of ${BROKER_SCHEMES.join(', ')}`);
  }
  if (!url.hostname) throw new UsageError(`${label}: ${JSON.stringify(redactUrl(raw))} names no host; expected e.g. mqtt://host:1883`);
  return url;
}

/** A URL may carry a password (mqtt://user:secret@host); it must never reach the screen or a log. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (!url.password) return raw;
    url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
}

export function parseSeconds(flag: string, raw: string): number {
  const seconds = /^[0-9]*\.?[0-9]+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected a positive number of seconds up to ${MAX_SECONDS}`);
  }
  return seconds;
}

export function parseMqttVersion(raw: string, label = '--mqtt-version'): ProtocolVersion {
  const version = MQTT_VERSIONS.get(raw);
  if (version === undefined) {
    throw new UsageError(`${label}: ${JSON.stringify(raw)} is not supported; use ${[...MQTT_VERSIONS.keys()].join(' or ')}${didYouMeanValue(raw, [...MQTT_VERSIONS.keys()])}`);
  }
  return version;
}

/** MQTT 3.1.1 §4.7: a topic name we publish to may not hold wildcards; neither may be empty or hold NUL. */
export function checkTopic(flag: string, topic: string, { wildcards }: { wildcards: boolean }): string {
  const bad =
    topic === '' ||
    topic.includes('\u0000') ||
    (wildcards ? !isValidFilter(topic) : /[+#]/.test(topic));
  if (bad) {
    const allowed = wildcards ? 'a non-empty topic filter (+ and # only as whole levels, # last)' : 'a non-empty topic without + or #';
    throw new UsageError(`${flag}: ${JSON.stringify(topic)} is not allowed; expected ${allowed}`);
  }
  return checkTemplate(flag, topic);
}

function isValidFilter(filter: string): boolean {
  const levels = filter.split('/');
  return levels.every(
    (level, i) =>
      (level === '#' && i === levels.length - 1) || level === '+' || !/[+#]/.test(level),
  );
}

/** `1`, `true`, `yes` (any case) switch an environment flag on; anything else, including `0`, leaves it off. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** Whole milliseconds, 0 allowed (`--delay`). */
export function parseMilliseconds(flag: string, raw: string): number {
  const ms = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(ms >= 0 && ms <= 2_147_483_647)) {
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected whole milliseconds from 0 to 2147483647`);
  }
  return ms;
}

/** A share from 0 (never) to 1 (always), as `--drop 0.25`. */
export function parseRatio(flag: string, raw: string): number {
  const ratio = /^[0-9]*\.?[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected a number from 0 (never) to 1 (always)`);
  }
  return ratio;
}

/** A TCP port for a listener; 0 asks the system for a free one. */
export function parsePort(flag: string, raw: string): number {
  const port = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not allowed; expected a port from 0 to 65535 (0: any free port)`);
  }
  return port;
}

/** Requests go at QoS 1 or 2: at QoS 0 a request can vanish and nobody would know whether it was applied. */
export function parseQos(raw: string, label = '--qos'): 1 | 2 {
  if (raw === '1' || raw === '2') return Number(raw) as 1 | 2;
  if (raw === '0') {
    throw new UsageError(`${label}: 0 is not allowed for requests: a QoS 0 request can be lost unseen; use 1 or 2`);
  }
  throw new UsageError(`${label}: ${JSON.stringify(raw)} is not allowed; expected 1 or 2`);
}

/** `--connections`: sessions of one stream; past a few dozen a broker sees a flood of logins, not more speed. */
export function parseConnections(raw: string, label = '--connections'): number {
  return wholeNumber(label, raw, 1, 64);
}

/** `--concurrency`: MQTT packet ids are 16-bit, so more in flight than that could not be told apart. */
export function parseConcurrency(raw: string): number {
  return wholeNumber('--concurrency', raw, 1, 65535);
}
