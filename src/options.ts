/**
 * Every option scp takes, declared once, as data (the global ones and simulate's here, each message's in its entry): its flag, environment variable, default, parser, profile key, help
 * group, and whether it is a secret. commander's options (cli.ts), the config file's keys and their checks
 * (commands/config-file.ts), `scp config show` (commands/config.ts), shell completion (commands/completion.ts) and the typed
 * connection settings (`parseConnection`) are all read off this table, so a setting is added in one place.
 * Pure: no IO, nothing heavy imported; cli.ts reads it on every run.
 */
import { UsageError } from './core/errors.js';
import type { SiteProfile } from './core/generated/types.js';
import type { StreamOutcome } from './core/outcome.js';
import { DEFAULT_LIMITS } from './core/profile.js';
import { MQTT_VERSIONS, checkTopic, parseBrokerUrl, parseConnections, parseMilliseconds, parseMqttVersion, parsePort, parseQos, parseRatio, parseSeconds } from './core/settings.js';
import { notOneOf, parseLimit, parseSince, parseTime, parseTransaction, parseVolts, wholeNumber } from './core/fields.js';

/** The outcomes a record may have (core/outcome.ts StreamOutcome), for `scp journal --outcome`. */
const OUTCOMES = ['accepted', 'not_in_force', 'unknown', 'rejected', 'invalid_input', 'timeout', 'invalid_response', 'error'] as const satisfies readonly StreamOutcome[];

/** service_status's status words (schemas/service_status.response.json), for simulate's --service-status. */
const SERVICE_STATUSES = ['ready', 'starting', 'stopping', 'error', 'busy'] as const;

function oneOf<T extends string>(label: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) throw notOneOf(label, raw, allowed);
  return raw as T;
}

/** Where a setting's value came from, as `scp config show` reports it. */
export type Source = 'flag' | 'env' | 'profile' | 'default';

/** Where an option is listed in help: what to send, how to reach the broker, how to show results. */
export type HelpGroup = 'send' | 'connection' | 'config' | 'output' | 'service' | 'station';

export interface OptionSpec {
  /** The name commander keeps the value under (camelCase of the long flag). */
  readonly key: string;
  /** As commander takes them, e.g. `--timeout <seconds>`; absent for a profile key no flag sets (password_env). */
  readonly flags?: string;
  readonly description?: string;
  /** The command that takes it; absent for an option every command takes (given before or after the command). */
  readonly command?: string;
  readonly env?: string;
  /** An on/off variable we read ourselves: commander would take `0` as on. */
  readonly envSwitch?: string;
  readonly default?: string | boolean;
  readonly group: HelpGroup;
  /** Its value, or what it names, is a secret: never shown (`config show` says where it comes from instead). */
  readonly secret?: boolean;
  /** Accepted only to be refused with this advice (a password on the command line). */
  readonly refusal?: string;
  /** The config file's key for it, in site profiles. */
  readonly profileKey?: keyof SiteProfile;
  /** What a profile value must be, for the config file's schema errors. */
  readonly allowed?: string;
  /** Checks a value (a flag's, or a profile's under its own label) and returns it typed. */
  readonly parse?: (raw: string, label: string) => unknown;
  /** `scp config show` lists it under this name. */
  readonly setting?: string;
  /** For completion: its value is a file name, or one of these words, or a profile name looked up live. */
  readonly complete?: 'file' | 'profile' | readonly string[];
  /** Says what to send (a message's selector or content): one of these is what makes a request. */
  readonly selects?: boolean;
  /** May be given more than once: the values arrive as a list, in the order given. */
  readonly repeatable?: boolean;
  /** Means something only with this (switch) option of the same command, or one of these: given without, refused
   * (--explain needs --offline; --supply-voltage, --offline or --sum). */
  readonly needs?: string | readonly string[];
}

/** Seconds as given, milliseconds as kept: the timers take those. */
const seconds = (raw: string, label: string) => parseSeconds(label, raw) * 1000;

/**
 * The station a composite schedule is computed for, as options: `scp simulate` serves one, and `scp schedule
 * --offline` computes from one, so both take the same rows (declared here once, tagged with the command).
 */
export function stationOptions<C extends string, G extends HelpGroup>(command: C, group: G, needs?: string, voltsNeeds: string | readonly string[] | undefined = needs) {
  return [
    { key: 'profiles', command, flags: '--profiles <file>', description: 'start with the profiles in this JSON file: an array of set\'s request data {evse_id?, charging_profile}, or of {id, evse_id, charging_profile_purpose, stack_level} (for clear only)', group, needs, complete: 'file' },
    { key: 'evses', command, flags: '--evses <n>', description: 'the station has EVSEs "1" to "n", and no profiles but those of --profiles (default: the built-in station, or the EVSEs its profiles name)', group, needs, parse: (raw: string, label: string) => wholeNumber(label, raw, 1, 10_000) },
    { key: 'clock', command, flags: '--clock <time>', description: 'the simulated now, fixed, ISO 8601 with a zone (default: the real clock)', group, needs, parse: (raw: string, label: string) => new Date(parseTime(label, raw)) },
    { key: 'transaction', command, flags: '--transaction <evse=id[@start]>', description: 'an active transaction on an EVSE, started at an ISO 8601 time (default: when scp starts); repeatable', group, needs, repeatable: true, parse: (raw: string, label: string) => parseTransaction(raw, label) },
    { key: 'supplyVoltage', command, flags: '--supply-voltage <volts>', description: 'converts A and W: W = A x volts x phases', default: '230', group, needs: voltsNeeds, parse: (raw: string, label: string) => parseVolts(raw, label) },
    { key: 'defaultLimit', command, flags: '--default-limit <limit>', description: `the limit where no profile limits, one in A and one in W (default: ${DEFAULT_LIMITS.A}A and ${DEFAULT_LIMITS.W}W); repeatable`, group, needs, repeatable: true, parse: (raw: string, label: string) => ({ raw, ...parseLimit(raw, label) }) },
    { key: 'defaultPhases', command, flags: '--default-phases <n>', description: 'the phases a composite period counting none converts A and W with: 1, 2 or 3', default: '3', group, needs, complete: ['1', '2', '3'], parse: (raw: string, label: string) => wholeNumber(label, raw, 1, 3) },
  ] as const satisfies readonly OptionSpec[];
}

/** The global options and simulate's; each message's own options are rows of its registry entry (messages/). */
const SHARED_OPTIONS = [
  // Global: the config file and the connection.
  { key: 'profile', flags: '--profile <name>', description: 'use this site profile of the config file (default: its default_profile)', env: 'SCP_PROFILE', group: 'config', complete: 'profile' },
  { key: 'config', flags: '--config <path>', description: 'config file (default: $XDG_CONFIG_HOME/scp/config.json or ~/.config/scp/config.json)', env: 'SCP_CONFIG', group: 'config', complete: 'file' },
  // Repeatable: the nodes of a cluster, tried in order; a lost connection moves on to the next (profiles: brokers).
  { key: 'broker', flags: '--broker <url>', description: 'broker URL: mqtt://, mqtts://, ws:// or wss://; repeat it for the nodes of a cluster (the first that accepts is used, the next one when it is lost)', env: 'SCP_BROKER_URL', default: 'mqtt://localhost:1883', group: 'connection', profileKey: 'broker', allowed: 'a broker URL, e.g. mqtts://broker.example:8883', parse: (raw: string, label: string) => parseBrokerUrl(raw, label), setting: 'broker', repeatable: true },
  { key: 'brokers', group: 'connection', profileKey: 'brokers', allowed: 'a non-empty array of broker URLs, e.g. ["mqtts://node1:8883", "mqtts://node2:8883"]' },
  { key: 'username', flags: '--username <name>', description: 'user name for the broker', env: 'SCP_USERNAME', group: 'connection', profileKey: 'username', setting: 'username' },
  { key: 'passwordFile', flags: '--password-file <path>', description: 'read the password from this file (or set SCP_PASSWORD)', env: 'SCP_PASSWORD_FILE', group: 'connection', secret: true, profileKey: 'password_file', setting: 'password', complete: 'file' },
  { key: 'passwordEnv', group: 'connection', secret: true, profileKey: 'password_env', allowed: 'the name of an environment variable, e.g. SITE_A_PASSWORD' },
  // Refused with a hint, so that nobody learns to put a secret where `ps` and shell history can see it.
  { key: 'password', flags: '--password <password>', group: 'connection', secret: true, refusal: '--password: not accepted, since other users can read it in `ps` and shell history; set SCP_PASSWORD or use --password-file' },
  { key: 'ca', flags: '--ca <path>', description: 'CA certificate (PEM) to trust for TLS', env: 'SCP_CA', group: 'connection', profileKey: 'ca', setting: 'ca', complete: 'file' },
  { key: 'cert', flags: '--cert <path>', description: 'client certificate (PEM) for TLS', env: 'SCP_CERT', group: 'connection', profileKey: 'cert', setting: 'cert', complete: 'file' },
  { key: 'key', flags: '--key <path>', description: 'client private key (PEM) for TLS', env: 'SCP_KEY', group: 'connection', secret: true, profileKey: 'key', setting: 'key', complete: 'file' },
  { key: 'insecure', flags: '--insecure', description: 'do not verify the broker\'s TLS certificate [env: SCP_INSECURE=1]', envSwitch: 'SCP_INSECURE', group: 'connection', profileKey: 'insecure', allowed: 'true or false', setting: 'insecure' },
  { key: 'clientId', flags: '--client-id <id>', description: 'MQTT client id (default: scp- and 16 random hex digits)', env: 'SCP_CLIENT_ID', group: 'connection', setting: 'client_id' },
  { key: 'clientIdPrefix', group: 'connection', profileKey: 'client_id_prefix', allowed: '1 to 15 letters, digits, - or _' },
  { key: 'mqttVersion', flags: '--mqtt-version <version>', description: 'MQTT protocol version: 3.1.1 or 5', env: 'SCP_MQTT_VERSION', default: '3.1.1', group: 'connection', profileKey: 'mqtt_version', allowed: '"3.1.1" or "5" (a string)', parse: (raw: string, label: string) => parseMqttVersion(raw, label), setting: 'mqtt_version', complete: [...MQTT_VERSIONS.keys()] },
  { key: 'requestTopic', flags: '--request-topic <topic>', description: 'topic requests are published to', env: 'SCP_REQUEST_TOPIC', default: 'ocpp/smart_charging', group: 'connection', profileKey: 'request_topic', parse: (raw: string, label: string) => checkTopic(label, raw, { wildcards: false }), setting: 'request_topic' },
  { key: 'responseTopic', flags: '--response-topic <topic>', description: 'topic responses arrive on', env: 'SCP_RESPONSE_TOPIC', default: 'smart_charging/ocpp', group: 'connection', profileKey: 'response_topic', parse: (raw: string, label: string) => checkTopic(label, raw, { wildcards: true }), setting: 'response_topic' },
  // The station's general topics, where service_status travels (scp status): a pair of their own, like the above.
  { key: 'statusRequestTopic', flags: '--status-request-topic <topic>', description: 'topic scp status asks on (the station\'s general topic)', env: 'SCP_STATUS_REQUEST_TOPIC', default: 'cs/josev', group: 'connection', profileKey: 'status_request_topic', parse: (raw: string, label: string) => checkTopic(label, raw, { wildcards: false }), setting: 'status_request_topic' },
  { key: 'statusResponseTopic', flags: '--status-response-topic <topic>', description: 'topic the services\' answers and updates arrive on', env: 'SCP_STATUS_RESPONSE_TOPIC', default: 'josev/cs', group: 'connection', profileKey: 'status_response_topic', parse: (raw: string, label: string) => checkTopic(label, raw, { wildcards: true }), setting: 'status_response_topic' },
  { key: 'station', flags: '--station <id>', description: 'the station, where the topics name {station} (e.g. stations/{station}/ocpp/smart_charging)', env: 'SCP_STATION', group: 'connection' },
  { key: 'qos', flags: '--qos <level>', description: 'MQTT QoS of the request and the subscription: 1 or 2 (0 could lose a request unseen)', env: 'SCP_QOS', default: '1', group: 'connection', profileKey: 'qos', allowed: '1 or 2', parse: (raw: string, label: string) => parseQos(raw, label), setting: 'qos', complete: ['1', '2'] },
  // Only a stream (--input) opens several: one request is one session whatever this says.
  { key: 'connections', flags: '--connections <n>', description: 'with --input: MQTT sessions to spread the requests over, each with its own client id and failover (one of them at a time subscribes to the answers)', env: 'SCP_CONNECTIONS', default: '1', group: 'connection', profileKey: 'connections', allowed: 'an integer from 1 to 64', parse: (raw: string, label: string) => parseConnections(raw, label), setting: 'connections' },
  { key: 'timeout', flags: '--timeout <seconds>', description: 'how long to wait for the answer', env: 'SCP_TIMEOUT', default: '10', group: 'connection', profileKey: 'timeout', allowed: 'a number of seconds above 0', parse: seconds, setting: 'timeout' },
  { key: 'connectTimeout', flags: '--connect-timeout <seconds>', description: 'how long to wait for the broker to accept the connection', env: 'SCP_CONNECT_TIMEOUT', default: '5', group: 'connection', profileKey: 'connect_timeout', allowed: 'a number of seconds above 0', parse: seconds, setting: 'connect_timeout' },
  // Global: what is remembered. A path a profile gives is taken from the config file's folder (config-file.ts PATH_KEYS).
  { key: 'journal', flags: '--journal <file>', description: 'append every request (before it is published) and its record to this JSON Lines file; scp journal lists its runs', env: 'SCP_JOURNAL', group: 'output', profileKey: 'journal', setting: 'journal', complete: 'file' },
  // Global: output and questions.
  { key: 'json', flags: '--json', description: 'print one JSON object per result on stdout', default: false, group: 'output' },
  { key: 'ask', flags: '--no-input', description: 'never ask a question (also when CI is set, or stdin or stdout is not a terminal): fail instead', group: 'output' },
  { key: 'verbose', flags: '-v, --verbose', description: 'show the messages sent and received on stderr (never a password)', default: false, group: 'output' },
  { key: 'color', flags: '--no-color', description: 'no colour (also: NO_COLOR=1, TERM=dumb, or when stdout is not a terminal)', group: 'output' },
  // scp simulate
  // `--embedded` alone stays `true` (a switch is not parsed): the simulator takes it as port 1883.
  { key: 'embedded', command: 'simulate', flags: '--embedded [port]', description: 'also run an MQTT broker (MQTT 3.1.1 and 5) in this process on 127.0.0.1 (default port 1883; 0 for any free port)', group: 'service', parse: (raw: string, label: string) => parsePort(label, raw) },
  ...stationOptions('simulate', 'service'),
  { key: 'serviceStatus', command: 'simulate', flags: '--service-status <status>', description: 'what the service answers scp status with (and announces when it starts): ready, starting, stopping, error or busy', default: 'ready', group: 'service', complete: SERVICE_STATUSES, parse: (raw: string, label: string) => oneOf(label, raw, SERVICE_STATUSES) },
  { key: 'stations', command: 'simulate', flags: '--stations <n>', description: 'serve stations "1" to "n", each with its own profiles, on topics that name {station} (see --request-topic)', group: 'service', parse: (raw: string, label: string) => wholeNumber(label, raw, 1, 100_000) },
  { key: 'delay', command: 'simulate', flags: '--delay <ms>', description: 'wait this long before answering', default: '0', group: 'service', parse: (raw: string, label: string) => parseMilliseconds(label, raw) },
  { key: 'drop', command: 'simulate', flags: '--drop <ratio>', description: 'share of requests (0 to 1) applied but never answered, as if the answer were lost', default: '0', group: 'service', parse: (raw: string, label: string) => parseRatio(label, raw) },
  { key: 'duplicate', command: 'simulate', flags: '--duplicate', description: 'send every answer twice', default: false, group: 'service' },
  { key: 'answerDecoys', command: 'simulate', flags: '--answer-decoys', description: 'before each answer, publish answers with other ids and garbage on the response topic', default: false, group: 'service' },
  // scp doctor: which EVSE its round trip asks about, and the stations of a fleet.
  { key: 'evse', command: 'doctor', flags: '--evse <evse_id>', description: 'the EVSE the round trip asks a composite schedule of, exactly as the station names it (0: the whole station)', default: '0', group: 'send' },
  { key: 'input', command: 'doctor', flags: '--input <file>', description: 'check each station a line of this file names (- for stdin): a station id, or a JSON object like {"station": "17", "evse": "1"}; the topics must name {station}', group: 'send', complete: 'file' },
  // scp journal: which runs and requests to list (--station, the global option, is a filter here too).
  { key: 'since', command: 'journal', flags: '--since <time>', description: 'only runs started at or after this time: 2026-12-01T18:00:00Z (a zone), 2026-12-01 (local midnight) or how long ago (30m, 2h, 7d)', group: 'output', parse: (raw: string, label: string) => parseSince(label, raw, Date.now()) },
  { key: 'evse', command: 'journal', flags: '--evse <evse_id>', description: 'only requests for this EVSE (and runs that have one)', group: 'output' },
  { key: 'outcome', command: 'journal', flags: '--outcome <outcome>', description: `only requests whose record has this outcome: ${OUTCOMES.join(', ')}`, group: 'output', complete: OUTCOMES, parse: (raw: string, label: string) => oneOf(label, raw, OUTCOMES) },
] as const satisfies readonly OptionSpec[];

type Spec = (typeof SHARED_OPTIONS)[number];

/** The rows of the table this module declares: the global options and simulate's. Each message's own rows are in its
 * registry entry; the whole table, in order, is messages/index.ts `OPTIONS` (this module knows no message). */
export const COMMON_OPTIONS: readonly OptionSpec[] = SHARED_OPTIONS;

/** Options accepted only to be refused (a password on the command line): bad usage, with the row's advice. */
export function refuseOptions(values: Readonly<Record<string, unknown>>): void {
  const refused = COMMON_OPTIONS.find((spec) => spec.command === undefined && spec.refusal !== undefined && values[spec.key] !== undefined);
  if (refused) throw new UsageError(refused.refusal!);
}

/**
 * An option given without the one it needs (`--explain` without `--offline`): bad usage, naming both. An option with
 * a default counts as given when its value is not the default.
 */
export function refuseUnmet(rows: readonly OptionSpec[], values: Readonly<Record<string, unknown>>): void {
  for (const spec of rows) {
    const value = values[spec.key];
    if (spec.needs === undefined || value === undefined || value === spec.default) continue;
    const needs = typeof spec.needs === 'string' ? [spec.needs] : spec.needs;
    if (needs.some((key) => values[key])) continue;
    const needed = needs.map((key) => longFlag(rows.find((row) => row.key === key)!));
    throw new UsageError(`${longFlag(spec)}: only with ${needed.join(' or ')}`);
  }
}

/** The long flag of an option: `--connect-timeout`. */
export function longFlag(spec: OptionSpec): string | undefined {
  return spec.flags === undefined ? undefined : /--[a-z-]+/.exec(spec.flags)?.[0];
}

/** The long flags of a pair of topic settings, as refusals name them (`--status-request-topic`, ...). */
export function topicFlagsOf(request: string, response: string): readonly [string, string] {
  const flag = (key: string) => longFlag(SHARED_OPTIONS.find((spec: OptionSpec) => spec.key === key && spec.command === undefined)!)!;
  return [flag(request), flag(response)];
}

/** The global options that hold a profile key, in the table's order (the order messages and `config show` use). */
export const PROFILE_OPTIONS = SHARED_OPTIONS.filter((spec: OptionSpec) => spec.profileKey !== undefined) as readonly (OptionSpec & { profileKey: keyof SiteProfile })[];

/** The options whose value names a file that holds a secret (the password file, the TLS private key): who can read
 * such a file is worth a warning. */
export const SECRET_FILES: readonly OptionSpec[] = SHARED_OPTIONS.filter((spec: OptionSpec) => spec.secret && spec.complete === 'file');

/** A row's parsed value: its parser's result, a list of them for a repeatable row, undefined where a row without a
 * default was not given; `true` for an optional value given bare (`--embedded`). */
type ParsedOf<S> = S extends { parse: (...args: never[]) => infer R }
  ? S extends { repeatable: true }
    ? R[]
    : S extends { default: unknown }
      ? R
      : S extends { flags: `${string}[${string}` }
        ? R | boolean | undefined
        : R | undefined
  : never;

/** Parsed values of the rows that have a parser, by key, typed from the table. */
type Parsed<Rows> = { [S in Extract<Rows, { parse: unknown }> as S extends { key: infer K extends string } ? K : never]: ParsedOf<S> };

/** The connection settings, each parsed once, typed by its parser: what every command that connects works from. */
export type ConnectionSettings = Parsed<Exclude<Spec, { command: string }>>;

/** simulate's settings, each parsed once by its row's parser. */
export type SimulateSettings = Parsed<Extract<Spec, { command: 'simulate' }>>;

/** A station's settings (stationOptions), each parsed once: simulate's, or schedule --offline's. */
export type StationSettings = Parsed<ReturnType<typeof stationOptions>[number]>;

/**
 * Every row of `rows` that has a parser, parsed once from `values` (flags, environment and profile already laid
 * together), each refusal naming what `labelOf` says (the flag, or the profile key it came from). A row not given
 * (no default) stays undefined, a repeatable one becomes a list, and an optional value given bare stays `true` (a switch is not parsed).
 */
function parseRows(rows: readonly OptionSpec[], values: Readonly<Record<string, unknown>>, labelOf: (spec: OptionSpec) => string): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const spec of rows) {
    const { key, parse, repeatable } = spec;
    if (!parse) continue;
    const raw = values[key];
    if (raw === undefined) parsed[key] = repeatable ? [] : undefined;
    else if (typeof raw === 'boolean') parsed[key] = raw;
    else parsed[key] = repeatable ? (Array.isArray(raw) ? raw : [raw]).map((one) => parse(String(one), labelOf(spec))) : parse(String(raw), labelOf(spec));
  }
  return parsed;
}

/**
 * Parses the connection options (flags, environment and profile already laid together): every value once, each named
 * by `labelOf` in its refusal (the flag, or the profile key it came from).
 */
export function parseConnection(values: Readonly<Record<string, unknown>>, labelOf: (spec: OptionSpec) => string): ConnectionSettings {
  return parseRows(
    SHARED_OPTIONS.filter((spec: OptionSpec) => spec.command === undefined),
    values,
    labelOf,
  ) as ConnectionSettings;
}

/** Parses simulate's own options, each once, its refusal naming the flag. */
export function parseSimulate(values: Readonly<Record<string, unknown>>): SimulateSettings {
  return parseRows(
    SHARED_OPTIONS.filter((spec: OptionSpec) => spec.command === 'simulate'),
    values,
    (spec) => longFlag(spec)!,
  ) as SimulateSettings;
}

/** The station's options of a command other than simulate (schedule --offline), each parsed once, named by its flag. */
export function parseStation(values: Readonly<Record<string, unknown>>): StationSettings {
  return parseRows(stationOptions('', 'service'), values, (spec) => longFlag(spec)!) as StationSettings;
}

/** What commander hands over for an option, by the shape of its flags: a value (`<x>`), an optional one (`[x]`), a
 * switch; a profile key without a flag arrives as a string from the config file, when it does. */
type ValueOf<S> = S extends { repeatable: true }
  ? S extends { default: string }
    ? string | string[]
    : string[] | undefined
  : S extends { flags: `${string}<${string}` }
  ? S extends { default: string }
    ? string
    : string | undefined
  : S extends { flags: `${string}[${string}` }
    ? string | boolean | undefined
    : S extends { flags: string }
      ? boolean
      : string | undefined;

/** The global options as commander holds them, typed from the table. */
export type GlobalOptions = { [S in Exclude<Spec, { command: string }> as S['key']]: ValueOf<S> };

/** The profile keys the table's rows hold (commands/config-file.ts checks they cover the config schema). */
export type TableProfileKey = Extract<Spec, { profileKey: string }>['profileKey'];

/** Options as commander holds them, typed from their rows (`as const`): a command's own, from the table or an entry. */
export type OptionsOf<Rows extends readonly OptionSpec[]> = { [S in Rows[number] as S['key']]: ValueOf<S> };

/** `scp journal`'s own options, each parsed once, named by its flag. */
export function parseJournalOptions(values: Readonly<Record<string, unknown>>): Parsed<Extract<Spec, { command: 'journal' }>> {
  return parseRows(
    SHARED_OPTIONS.filter((spec: OptionSpec) => spec.command === 'journal'),
    values,
    (spec) => longFlag(spec)!,
  ) as Parsed<Extract<Spec, { command: 'journal' }>>;
}

/** `scp journal`'s own options, typed from the table. */
export type JournalOptions = OptionsOf<Extract<Spec, { command: 'journal' }>[]>;

/** `scp doctor`'s own options, typed from the table. */
export type DoctorOptions = OptionsOf<Extract<Spec, { command: 'doctor' }>[]>;

/** simulate's own options, typed from the table. */
export type SimulateOptions = OptionsOf<Extract<Spec, { command: 'simulate' }>[]>;
