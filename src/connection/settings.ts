/**
 * The connection settings every command that talks to a broker shares, so they cannot drift apart: the global flags
 * (flags, environment and profile laid together) checked without IO (`checkConnectionFlags`, which --dry-run runs
 * too), then resolved into what the transport needs (`resolveConnection`: the password and the TLS files read), and
 * the client id of each connection scp makes.
 */
import { randomBytes } from '../transport/random.js';
import { UsageError } from '../core/errors.js';
import { SECRET_FILES, longFlag, parseConnection, topicFlagsOf, type ConnectionSettings, type GlobalOptions, type Source } from '../options.js';
import type { ConnectOptions } from '../transport/client.js';
import { checkStation, checkTemplates } from '../core/fleet.js';
import { readNamed, readPassword, warnIfShared } from './secrets.js';

/** The global options (flags and environment, then the chosen profile laid under them), typed from the option table. */
export type ConnectionFlags = GlobalOptions & {
  /** Where each setting came from, and the profile in use (see commands/config-file.ts): for messages and `config show`. */
  sources?: Partial<Record<string, Source>>;
  profileName?: string;
};

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
  const settings = parseConnection(flags, (spec) => longFlag(spec)!);
  checkTemplates(settings.requestTopic, settings.responseTopic);
  checkTemplates(settings.statusRequestTopic, settings.statusResponseTopic, topicFlagsOf('statusRequestTopic', 'statusResponseTopic'));
  if (flags.station !== undefined) checkStation('--station', flags.station);
  return settings;
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

const SECRET_KEYS = new Set(SECRET_FILES.map((spec) => spec.key));

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

/** The TLS files (--ca, --cert, --key), read; a secret one that others can read is worth a word. */
function readTlsFiles(flags: ConnectionFlags, warn: (message: string) => void): Promise<Array<Buffer | undefined>> {
  return Promise.all(
    (['ca', 'cert', 'key'] as const).map(async (name) => {
      const path = flags[name];
      if (path === undefined) return undefined;
      const label = settingLabel(flags, name, `--${name}`, name);
      const content = await readNamed(label, path);
      if (SECRET_KEYS.has(name)) warnIfShared(label, path, warn);
      return content;
    }),
  );
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
  const [ca, cert, key] = await readTlsFiles(flags, warn);
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
