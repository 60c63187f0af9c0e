/**
 * The connection, between the options and the transport: turns the global connection flags (flags, environment and
 * profile laid together) into what the transport needs, reading the files they name, and words the transport's
 * facts as advice for the operator. Shared by every command that talks to a broker, so they cannot drift apart.
 */
// fs.promises, not node:fs/promises: the getter loads it on first use, which a run without files never makes.
import { promises as fs, statSync } from 'node:fs';
import { randomBytes } from './random.js';
import { ConnectionError, InterruptedError, UsageError, type ConnectionFact } from './core/errors.js';
import { SECRET_FILES, longFlag, parseConnection, topicFlagsOf, type ConnectionSettings, type GlobalOptions, type Source } from './options.js';
import type { ConnectOptions } from './transport/client.js';
import type { Output } from './output/render.js';
import { checkStation, checkTemplates } from './core/fleet.js';
import { redactUrl } from './core/settings.js';

/** What every command is handed by cli.ts: the world it may touch, injectable so tests run the real code. */
export interface CommandContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C or SIGTERM, with the signal's name as reason. */
  signal: AbortSignal;
}

/** The global options (flags and environment, then the chosen profile laid under them), typed from the option table. */
export interface ConnectionFlags extends GlobalOptions {
  /** Where each setting came from, and the profile in use (see commands/config-file.ts): for messages and `config show`. */
  sources?: Partial<Record<string, Source>>;
  profileName?: string;
}

/** How a refusal names a setting: the flag, or the profile key when the value came from the config file. */
export function settingLabel(flags: ConnectionFlags, option: string, flag: string, profileKey: string): string {
  return flags.sources?.[option] === 'profile' ? `profiles.${flags.profileName}.${profileKey}` : flag;
}

/** `scp-` and 16 hex digits: 20 characters, within the 23 every MQTT 3.1.1 broker must accept; a profile's prefix
 * (up to 15 characters) keeps the total at 23 with at least 8 random hex digits. */
export function newClientId(prefix = 'scp-'): string {
  const digits = Math.max(8, 23 - prefix.length);
  return `${prefix}${randomBytes(Math.ceil(digits / 2)).toString('hex').slice(0, digits)}`;
}

export interface Connection {
  /** How to connect; its url is the first broker's. */
  connect: ConnectOptions;
  /** Every broker given (the nodes of a cluster), in the order they are tried. */
  brokers: string[];
  /** The topic settings; they may name {station} (core/fleet.ts). */
  requestTopic: string;
  responseTopic: string;
  /** --station, for one request where the topics name {station}. */
  station?: string;
  /** A new client id for each new connection, where scp makes them up (no --client-id): see `clientIdFor`. */
  newClientId?: () => string;
  timeoutMs: number;
  qos: 1 | 2;
  /** --connections: the sessions a stream spreads its requests over. */
  connections: number;
}

/**
 * The checks that need no IO, so that --dry-run refuses the same bad flags a real run would: each value parsed once
 * (the option table's parsers), and the result handed on to `resolveConnection`. A profile's values were checked
 * under their own keys when the config file was read, so a refusal here is about a flag or its variable.
 */
export function checkConnectionFlags(flags: ConnectionFlags): ConnectionSettings {
  const settings = parseConnection(flags as unknown as Record<string, unknown>, (spec) => longFlag(spec)!);
  checkTemplates(settings.requestTopic, settings.responseTopic);
  checkTemplates(settings.statusRequestTopic, settings.statusResponseTopic, topicFlagsOf('statusRequestTopic', 'statusResponseTopic'));
  if (flags.station !== undefined) checkStation('--station', flags.station);
  return settings;
}

/** The advice for each fact a transport error can carry: the flags and settings an operator would change. */
const ADVICE: { [K in ConnectionFact['kind']]: (fact: Extract<ConnectionFact, { kind: K }>) => string } = {
  'login-refused': () => ' (check --username, and the password given by SCP_PASSWORD or --password-file)',
  'mqtt5-unsupported': () => ' (the broker does not seem to support MQTT 5: try --mqtt-version 3.1.1)',
  'tls-untrusted': () => " (pass --ca with the broker's CA certificate; --insecure skips the check)",
  'qos-downgraded': (fact) => `; use --qos ${fact.granted}`,
};

/** A transport error as an operator reads it: the fact, what to change, then what became of the request. */
export function advised(err: ConnectionError): ConnectionError {
  if (err.fact === undefined) return err;
  const advice = (ADVICE[err.fact.kind] as (fact: ConnectionFact) => string)(err.fact);
  const worded = new ConnectionError(`${err.text}${advice}`, { refusedLogin: err.refusedLogin, fate: err.fate });
  worded.nothingSent = err.nothingSent;
  worded.connected = err.connected;
  return worded;
}

/**
 * The brokers (the nodes of a cluster) in order, the first that accepts carrying the work (`work(index)`): a broker is
 * passed over, with a warning naming the next, only on a connection error from before anything was published, so a
 * request that may have been applied is never sent again elsewhere. Any other error, or the last broker's, is thrown.
 */
export async function firstAccepting<T>(brokers: readonly string[], work: (index: number) => Promise<T>, warn: (message: string) => void): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await work(i);
    } catch (err) {
      if (!(err instanceof ConnectionError) || !err.nothingSent || i >= brokers.length - 1) throw err;
      warn(`${err.message}; trying ${redactUrl(brokers[i + 1]!)}`);
    }
  }
}

/**
 * The client id of a session: --client-id, or the one scp made up, for a stream's first session's first connection;
 * with --connections, `-2`, `-3`, ... after a --client-id for the others (two sessions with one id would log each
 * other out). Every other connection, where scp makes ids up, gets a new one (`fresh`): a node that has not yet seen
 * the old connection die (a cluster node that lost a peer) would hold the old id's session locked.
 */
export function clientIdFor(connection: Connection, session: number, fresh: boolean): string {
  if (fresh && connection.newClientId) return connection.newClientId();
  return session === 1 ? connection.connect.clientId : `${connection.connect.clientId}-${session}`;
}

/** The pause before each round of the brokers after a loss (before each try, with one broker): the next node of a
 * cluster is tried at once, and a single broker that restarts is not hammered. Streams and the simulator both. */
export const ROUND_PAUSE_MS = 500;

/**
 * With several brokers (a cluster), how long after a loss a session keeps going round them, whatever else says stop:
 * the surviving nodes of a cluster may refuse or stall new sessions until they have elected new leaders for what the
 * lost node led (NATS JetStream took from under a second to ~25 s here, test/cluster). Streams and the simulator both.
 */
export const FAILOVER_WINDOW_MS = 60_000;

/**
 * When to stop going round the brokers after a loss: given the attempt (from 1), per broker since when it has failed
 * to accept a connection in a row (undefined: it has not, or it accepted and then refused the subscription, as a
 * cluster electing leaders does), the time now and the time of the loss.
 */
export type KeepTrying = (attempt: number, failingSince: readonly (number | undefined)[], now: number, lostAt: number) => boolean;

/**
 * The one reconnection loop, for a stream's sessions and the simulator alike: after losing the broker at `from`, try
 * the next broker at once, and the one after, a pause (`delayMs`) before each round (before each try with a single
 * broker), until `open` accepts or `keepTrying` says no (then the last error is thrown). `stop` ends it early, also
 * in a pause or an attempt, with an InterruptedError: a finished stream must not be kept alive by its reconnecting.
 */
export async function roundTheBrokers<T>(
  brokers: readonly string[],
  from: number,
  open: (index: number) => Promise<T>,
  {
    keepTrying,
    delayMs,
    stop,
    onFailure,
    now = () => performance.now(),
  }: { keepTrying: KeepTrying; delayMs: number; stop: AbortSignal; onFailure?: (err: unknown, index: number) => void; now?: () => number },
): Promise<{ value: T; index: number; attempt: number }> {
  const lostAt = now();
  const failingSince: (number | undefined)[] = brokers.map(() => undefined);
  failingSince[from] = lostAt;
  for (let attempt = 1; ; attempt++) {
    if (brokers.length === 1 || attempt % brokers.length === 0) await pause(delayMs, stop);
    if (stop.aborted) throw new InterruptedError('stopped', stop.reason);
    const index = (from + attempt) % brokers.length;
    try {
      return { value: await open(index), index, attempt };
    } catch (err) {
      if (stop.aborted) throw new InterruptedError('stopped', stop.reason);
      if (err instanceof ConnectionError && err.connected) failingSince[index] = undefined;
      else failingSince[index] ??= now();
      onFailure?.(err, index);
      if (!keepTrying(attempt, failingSince, now(), lostAt)) throw err;
    }
  }
}

/** Waits `ms`, or less if `stop` aborts first. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
  });
}

/** Runs transport work, wording any connection error it ends with for the operator. */
export async function advising<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw err instanceof ConnectionError ? advised(err) : err;
  }
}

/** The one wording for a file a flag names but we cannot read: bad usage, exit 2, nothing sent. */
export function unreadable(flag: string, path: string, err: unknown): UsageError {
  return new UsageError(`${flag}: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
}

export async function readNamed(flag: string, path: string): Promise<Buffer> {
  try {
    return await fs.readFile(path);
  } catch (err) {
    throw unreadable(flag, path, err);
  }
}

const SECRET_KEYS = new Set(SECRET_FILES.map((spec) => spec.key));

/** As ssh does with private keys: a file of secrets that others can read is worth a word, though not a refusal. */
export function warnIfShared(label: string, path: string, warn: (message: string) => void): void {
  const { mode } = statSync(path);
  if (mode & 0o077) warn(`${label}: ${JSON.stringify(path)} can be read by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
}

/** Like git's credential files: the secret is the file's content less one trailing newline. */
async function readPassword(label: string, path: string, warn: (message: string) => void): Promise<string> {
  const text = (await readNamed(label, path)).toString('utf8').replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`${label}: ${JSON.stringify(path)} is empty`);
  warnIfShared(label, path, warn);
  return text;
}

/** The password, by precedence: --password-file (flag or SCP_PASSWORD_FILE) > SCP_PASSWORD > the profile's. */
async function findPassword(flags: ConnectionFlags, env: NodeJS.ProcessEnv, warn: (message: string) => void): Promise<string | undefined> {
  if (flags.passwordFile !== undefined) {
    return readPassword(settingLabel(flags, 'passwordFile', '--password-file', 'password_file'), flags.passwordFile, warn);
  }
  if (env.SCP_PASSWORD) return env.SCP_PASSWORD;
  if (flags.passwordEnv !== undefined) {
    const value = env[flags.passwordEnv];
    if (!value) throw new UsageError(`profiles.${flags.profileName}.password_env: ${flags.passwordEnv} is not set in the environment`);
    return value;
  }
  return undefined;
}

export async function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
  checked: ConnectionSettings = checkConnectionFlags(flags),
): Promise<Connection> {
  // Flag beats environment: a --password-file given for this run wins over an exported SCP_PASSWORD.
  const password = await findPassword(flags, env, warn);
  if (password !== undefined && flags.username === undefined && checked.mqttVersion === 4) {
    throw new UsageError('--username: required when a password is given (MQTT 3.1.1 sends no password without a user name)');
  }
  const [ca, cert, key] = await Promise.all(
    (['ca', 'cert', 'key'] as const).map(async (name) => {
      const path = flags[name];
      if (path === undefined) return undefined;
      const label = settingLabel(flags, name, `--${name}`, name);
      const content = await readNamed(label, path);
      // As ssh does with private keys: a secret that others can read is worth a word (the table marks --key one).
      if (SECRET_KEYS.has(name)) warnIfShared(label, path, warn);
      return content;
    }),
  );
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key: give both or neither');
  return {
    connect: {
      url: checked.broker[0]!.toString(),
      clientId: flags.clientId ?? newClientId(flags.clientIdPrefix),
      protocolVersion: checked.mqttVersion,
      username: flags.username,
      password,
      ca,
      cert,
      key,
      insecure: flags.insecure,
      connectTimeoutMs: checked.connectTimeout,
    },
    brokers: checked.broker.map((url) => url.toString()),
    requestTopic: checked.requestTopic,
    responseTopic: checked.responseTopic,
    ...(flags.station === undefined ? {} : { station: flags.station }),
    ...(flags.clientId === undefined ? { newClientId: () => newClientId(flags.clientIdPrefix) } : {}),
    timeoutMs: checked.timeout,
    qos: checked.qos,
    connections: checked.connections,
  };
}
