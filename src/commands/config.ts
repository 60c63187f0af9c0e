/**
 * The config file's IO: where it is, reading it, and laying the chosen profile under flags and environment
 * (the rules themselves are pure, in commands/config-file.ts). Also `scp config path|show|validate|profiles`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import {
  READ_KEYS,
  chooseProfile,
  configProblems,
  layerProfile,
  parseConfig,
  profileNames,
  profilePath,
  type ChosenProfile,
  type ScpConfig,
  type Source,
} from './config-file.js';
import { UsageError, type Ending } from '../core/errors.js';
import { redactUrl } from '../core/settings.js';
import { SECRET_FILES, type OptionSpec } from '../options.js';
import { OPTIONS } from '../messages/index.js';
import type { Output } from '../output/render.js';
import type { SettingsReport } from '../output/config.js';
import { readNamed, unreadable, warnIfShared } from '../connection/secrets.js';
import { newClientId, type ConnectionFlags } from '../connection/settings.js';

/** --config / SCP_CONFIG and --profile / SCP_PROFILE are global options like the connection's. */
export type ConfigFlags = ConnectionFlags;

/** How commander says where an option's value came from, in our words. */
export type SourceOf = (option: string) => Source | undefined;

export interface ConfigLocation {
  path: string;
  /** Who named the file; a missing file is an error only when someone did. */
  named?: '--config' | 'SCP_CONFIG';
}

export interface ConfigState {
  location: ConfigLocation;
  config?: ScpConfig;
  chosen?: ChosenProfile;
}

/** --config / SCP_CONFIG, else $XDG_CONFIG_HOME/scp/config.json, else ~/.config/scp/config.json. */
export function locateConfig(flags: ConfigFlags, sourceOf: SourceOf, env: NodeJS.ProcessEnv): ConfigLocation {
  if (flags.config !== undefined) {
    return { path: resolve(flags.config), named: sourceOf('config') === 'flag' ? '--config' : 'SCP_CONFIG' };
  }
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and to be ignored.
  const base = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return { path: join(base, 'scp', 'config.json') };
}

/**
 * The config file's text; undefined where there is none at the default place (none is needed); one named by
 * --config or SCP_CONFIG must exist. Read synchronously: it is read on every run, is small, and a run with none never
 * loads fs.promises at all.
 */
function readConfig(location: ConfigLocation): string | undefined {
  try {
    return readFileSync(location.path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !location.named) return undefined;
    throw unreadable(location.named ?? 'config', location.path, err);
  }
}

export function loadConfig(location: ConfigLocation): ScpConfig | undefined {
  const text = readConfig(location);
  // No word about who can read it: a config file holds no secret (a literal password is refused). The files it
  // names that do are warned about when they are read (connection/secrets.ts).
  return text === undefined ? undefined : parseConfig(text, location.path);
}

/**
 * The connection settings every command uses: flags and environment (already merged by commander) over the chosen
 * profile over the defaults, each with its source.
 */
export function applyConfig<T extends ConfigFlags>(
  flags: T,
  sourceOf: SourceOf,
  env: NodeJS.ProcessEnv,
): { flags: T; state: ConfigState } {
  const location = locateConfig(flags, sourceOf, env);
  const config = loadConfig(location);
  const requested = flags.profile === undefined ? undefined : { name: flags.profile, from: sourceOf('profile') === 'flag' ? ('--profile' as const) : ('SCP_PROFILE' as const) };
  const chosen = chooseProfile(config, requested, location.path);
  const sources: Record<string, Source | undefined> = {};
  for (const option of SETTINGS.map((s) => s.option)) sources[option] = sourceOf(option);
  // On/off variables are read by cli.ts itself (commander would take "0" as on), so commander calls them defaults.
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    if (spec.envSwitch !== undefined && sources[spec.key] !== 'flag' && env[spec.envSwitch]) sources[spec.key] = 'env';
  }
  if (env.SCP_PASSWORD) sources.password = 'env';
  const layered = layerProfile({ values: { ...flags } as unknown as Record<string, string | boolean | undefined>, sources }, chosen, location.path);
  return {
    flags: { ...flags, ...layered.values, sources: layered.sources, profileName: chosen?.name },
    state: { location, config, chosen },
  };
}

const SECRET_FILE_KEYS = new Set(SECRET_FILES.map((spec) => spec.profileKey as string));

/** The settings `config show` explains, in the option table's order: its name, the option that holds it. */
const SETTINGS = OPTIONS.flatMap((spec: OptionSpec) => (spec.setting === undefined ? [] : [{ name: spec.setting, option: spec.key }]));

/** Where the password comes from, never what it is. */
function describePassword(flags: ConnectionFlags, env: NodeJS.ProcessEnv): { value: string | null; source: Source } {
  const source = flags.sources?.passwordFile;
  if (flags.passwordFile !== undefined) {
    const how = source === 'flag' ? '--password-file' : source === 'env' ? 'SCP_PASSWORD_FILE' : 'password_file';
    return { value: `(secret) read from ${how} ${flags.passwordFile}`, source: source ?? 'default' };
  }
  if (env.SCP_PASSWORD) return { value: '(secret) from SCP_PASSWORD', source: 'env' };
  if (flags.passwordEnv !== undefined) return { value: `(secret) from the variable ${flags.passwordEnv} (password_env)`, source: 'profile' };
  return { value: null, source: 'default' };
}

export function settingsReport(flags: ConnectionFlags, state: ConfigState, env: NodeJS.ProcessEnv): SettingsReport {
  const settings = SETTINGS.map(({ name, option }) => {
    if (name === 'password') return { name, ...describePassword(flags, env) };
    const source = flags.sources?.[option] ?? 'default';
    if (name === 'client_id' && flags.clientId === undefined) {
      const prefix = flags.clientIdPrefix;
      return { name, value: `${prefix ?? 'scp-'}<random>, e.g. ${newClientId(prefix)}`, source: prefix === undefined ? 'default' : ('profile' as Source) };
    }
    const raw = (flags as unknown as Record<string, string | boolean | undefined>)[option];
    const value = raw === undefined ? null : name === 'broker' ? [raw].flat().map((url) => redactUrl(String(url))).join(' ') : raw;
    return { name, value, source };
  });
  return {
    config: { path: state.location.path, exists: state.config !== undefined, named: state.location.named ?? null },
    profile: state.chosen ? { name: state.chosen.name, from: state.chosen.from } : null,
    settings,
  };
}

/** The files a config's profiles name, each tried: a problem for each that cannot be read (and a warning for a
 * secret file others can read). */
async function pathProblems(profiles: Readonly<Record<string, unknown>>, configPath: string, output: Output): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, profile] of Object.entries(profiles)) {
    for (const key of READ_KEYS) {
      const value = (profile as Record<string, unknown> | null)?.[key];
      if (typeof value !== 'string') continue;
      const path = profilePath(configPath, value);
      const label = `profiles.${name}.${key}`;
      try {
        await readNamed(label, path);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        problems.push(err.message);
        continue;
      }
      if (SECRET_FILE_KEYS.has(key)) warnIfShared(`config ${configPath}: ${label}`, path, (message) => output.warn(message));
    }
  }
  return problems;
}

/**
 * `scp config validate`: every problem of the file and of the files it names, one line each on stderr, naming where
 * it is (`config <path>: profiles.site-a.broker: ...`), exit 2; or the valid file's profiles, exit 0.
 */
export async function validateConfigFiles(location: ConfigLocation, output: Output): Promise<Ending> {
  const text = readConfig(location);
  if (text === undefined) {
    output.note(`no config file at ${location.path}: nothing to check (none is needed)`);
    return {};
  }
  const { config, problems, profiles } = configProblems(text);
  problems.push(...(await pathProblems(profiles ?? {}, location.path, output)));
  if (problems.length > 0) {
    for (const problem of problems) output.error(`config ${location.path}: ${problem}`);
    return { error: new UsageError(`config ${location.path}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`) };
  }
  // Its printer is loaded here, not by every command that reads the config file.
  const { showValid } = await import('../output/config.js');
  showValid(output, { path: location.path, profiles: profileNames(config), default_profile: config!.default_profile ?? null });
  return {};
}
