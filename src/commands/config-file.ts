/**
 * The config file and its site profiles, without IO: parse and check the text, choose the profile, and layer its
 * settings under flags and environment variables. Precedence, for every setting: flag > environment > profile >
 * built-in default. The file's shape is schemas/config.json; the validator and types are generated from it.
 */
import { parseJson } from '../core/json.js';
import { didYouMeanValue } from '../core/similar.js';
import { dirname, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { UsageError } from '../core/errors.js';
import type { ScpConfig, SiteProfile } from '../core/generated/types.js';
import { validate as validateConfig } from '../core/generated/validators/config.js';
import { PROFILE_OPTIONS, type Source, type TableProfileKey } from '../options.js';
import { article, pointerKeys, quotedValue, valueAt } from '../core/validate.js';
import { parseBrokerUrl } from '../core/settings.js';

export type { ScpConfig, SiteProfile };

export type { Source };

/** The profile keys, in the option table's order (the order error messages list them); `tsc` fails if the schema
 * adds a key the table does not hold. */
export const PROFILE_KEYS: readonly (keyof SiteProfile)[] = PROFILE_OPTIONS.map((spec) => spec.profileKey);
type MissingKey = Exclude<keyof SiteProfile, TableProfileKey>;
const keysCoverSchema: [MissingKey] extends [never] ? true : MissingKey = true;
void keysCoverSchema;

const TOP_KEYS = ['$schema', 'default_profile', 'profiles'];

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** `/profiles/site-a/timeout` -> `profiles.site-a.timeout` */
function where(pointer: string): string {
  return pointerKeys(pointer).join('.');
}

/** What each profile key allows, in the words an operator needs to fix it. */
const ALLOWED: Record<string, string> = {
  ...Object.fromEntries(PROFILE_OPTIONS.flatMap((spec) => (spec.allowed === undefined ? [] : [[spec.profileKey, spec.allowed]]))),
  default_profile: 'the name of a profile',
};

function describeConfigError(error: ErrorObject, root: unknown): string {
  const at = where(error.instancePath);
  const field = error.instancePath.split('/').pop() ?? '';
  const value = valueAt(root, error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const inProfile = /^\/profiles\/[^/]+$/.test(error.instancePath);
      if (inProfile && key === 'password') {
        return `${at}: "password" is not allowed, since a config file is read by more than its owner; use password_file (a file of mode 600) or password_env (an environment variable)`;
      }
      const allowed = inProfile ? PROFILE_KEYS : TOP_KEYS;
      return `${at || '(top level)'}: unknown key ${JSON.stringify(key)}${didYouMeanValue(key, allowed)}; allowed: ${allowed.join(', ')}`;
    }
    case 'propertyNames':
      return `${at}: profile names are letters, digits, ".", "_" and "-", starting with a letter or digit`;
    case 'type': {
      const unquote = quotedValue(value, String(error.params.type));
      if (unquote !== undefined) return `${at}: ${JSON.stringify(value)} is a string; ${unquote}`;
      return `${at || '(top level)'}: ${JSON.stringify(value)} is not allowed; expected ${ALLOWED[field] ?? article(String(error.params.type))}`;
    }
    default:
      return `${at}: ${JSON.stringify(value)} is not allowed; expected ${ALLOWED[field] ?? (error.keyword === 'pattern' ? 'a non-empty string' : error.message)}`;
  }
}

/** The same checks a flag with that value would get, so a bad profile is refused before anything is sent: every problem. */
function profileValueProblems(name: string, profile: SiteProfile): string[] {
  const label = (key: string) => `profiles.${name}.${key}`;
  const problems: string[] = [];
  if (profile.password_file !== undefined && profile.password_env !== undefined) problems.push(`${label('password_env')}: give password_file or password_env, not both`);
  if ((profile.cert === undefined) !== (profile.key === undefined)) problems.push(`${label(profile.cert === undefined ? 'key' : 'cert')}: give cert and key together, or neither`);
  if (profile.broker !== undefined && profile.brokers !== undefined) problems.push(`${label('brokers')}: give broker or brokers, not both`);
  const check = (parse: () => unknown) => {
    try {
      parse();
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      problems.push(err.message);
    }
  };
  for (const spec of PROFILE_OPTIONS) {
    const value = profile[spec.profileKey];
    if (spec.parse && value !== undefined) check(() => spec.parse!(String(value), label(spec.profileKey)));
  }
  for (const [i, url] of (profile.brokers ?? []).entries()) check(() => parseBrokerUrl(url, label(`brokers[${i}]`)));
  return problems;
}

/**
 * Every problem of a config file's text, one line each, naming where it is (a key, or a line and column of broken
 * JSON); `config` once it has the schema's shape (its values may still be refused). `scp config validate` lists
 * them all; every other command refuses the file with the first few.
 */
export function configProblems(text: string): { config?: ScpConfig; problems: string[]; profiles?: Readonly<Record<string, unknown>> } {
  const body = text.replace(/^\uFEFF/, '');
  const parsed = parseJson(body);
  if (!parsed.ok) return { problems: [parsed.problem] };
  const data = parsed.value;
  const validator = validateConfig as Validator;
  const valid = validator(data);
  const problems = valid ? [] : [...new Set((validator.errors ?? []).map((e) => describeConfigError(e, data)))];
  // The values are checked too where the shape is wrong elsewhere (every problem at once), each place said once.
  const said = new Set(problems.map((problem) => problem.split(':')[0]));
  const config = data as ScpConfig;
  const profiles = config !== null && typeof config === 'object' && config.profiles !== null && typeof config.profiles === 'object' ? config.profiles : {};
  for (const [name, profile] of Object.entries(profiles)) {
    if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) continue;
    problems.push(...profileValueProblems(name, profile).filter((problem) => !said.has(problem.split(':')[0])));
  }
  if (typeof config?.default_profile === 'string' && !profiles[config.default_profile]) {
    problems.push(`default_profile: no profile ${JSON.stringify(config.default_profile)}; ${listProfiles(config)}`);
  }
  return { ...(valid ? { config } : {}), problems, profiles };
}

/**
 * Parses and checks a config file's text. Every refusal is one line, starting with the file's path, naming the key
 * and what it allows (the first three problems, and how many more).
 */
export function parseConfig(text: string, path: string): ScpConfig {
  const { config, problems } = configProblems(text);
  if (problems.length > 0) throw new UsageError(`config ${path}: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`);
  return config!;
}

export function profileNames(config: ScpConfig | undefined): string[] {
  return Object.keys(config?.profiles ?? {});
}

function listProfiles(config: ScpConfig | undefined): string {
  const names = profileNames(config);
  return names.length ? `profiles: ${names.join(', ')}` : 'it defines no profiles';
}

export interface ChosenProfile {
  name: string;
  profile: SiteProfile;
  /** `--profile`, `SCP_PROFILE` or `default_profile`. */
  from: string;
}

/** --profile / SCP_PROFILE, else default_profile, else none. An unknown name lists the ones there are. */
export function chooseProfile(
  config: ScpConfig | undefined,
  requested: { name: string; from: '--profile' | 'SCP_PROFILE' } | undefined,
  path: string,
): ChosenProfile | undefined {
  if (requested) {
    const profile = config?.profiles?.[requested.name];
    if (!profile) {
      const why = config ? `in ${path}; ${listProfiles(config)}` : `: there is no config file at ${path}`;
      throw new UsageError(`${requested.from}: no profile ${JSON.stringify(requested.name)} ${why}`.replace(' :', ':'));
    }
    return { name: requested.name, profile, from: requested.from };
  }
  if (config?.default_profile !== undefined) {
    return { name: config.default_profile, profile: config.profiles![config.default_profile]!, from: 'default_profile' };
  }
  return undefined;
}

/** The connection settings as the options hold them (strings, as typed), with where each one came from. */
export interface LayeredSettings {
  values: Record<string, string | boolean | string[] | undefined>;
  sources: Record<string, Source | undefined>;
}

/** Option name (as commander holds it) for each profile key a flag also sets; password_env and client_id_prefix
 * have no flag of their own and are laid by hand below. */
const OPTION_OF: Partial<Record<keyof SiteProfile, string>> = Object.fromEntries(
  PROFILE_OPTIONS.filter((spec) => spec.flags !== undefined).map((spec) => [spec.profileKey, spec.key]),
);

/** The profile keys that name files that must be there to be read; and all that name files (one is made on first
 * use). */
export const READ_KEYS = ['password_file', 'ca', 'cert', 'key'] as const;
export const PATH_KEYS = [...READ_KEYS, 'journal'] as const;

/** A path a profile names, as used: relative paths are taken from the config file's folder. */
export function profilePath(configPath: string, value: string): string {
  return resolve(dirname(configPath), value);
}

/**
 * Lays a profile under the flags and environment: a profile value is used only where the setting still has its
 * built-in default (or none). The password is one setting whatever its form: a password from a flag or the
 * environment (SCP_PASSWORD, SCP_PASSWORD_FILE) hides both password_file and password_env. A client id from a flag
 * or the environment hides client_id_prefix. Relative paths are taken from the config file's folder.
 */
export function layerProfile(given: LayeredSettings, chosen: ChosenProfile | undefined, configPath: string): LayeredSettings {
  const values = { ...given.values };
  const sources = { ...given.sources };
  if (!chosen) return { values, sources };
  const { profile } = chosen;
  const unset = (option: string) => sources[option] === undefined || sources[option] === 'default';
  const passwordGiven = !unset('passwordFile') || sources.password === 'env';
  for (const key of PROFILE_KEYS) {
    const option = OPTION_OF[key];
    const value = profile[key];
    if (option === undefined || value === undefined || !unset(option)) continue;
    if (key === 'password_file' && passwordGiven) continue;
    values[option] = (PATH_KEYS as readonly string[]).includes(key) ? profilePath(configPath, String(value)) : typeof value === 'number' ? String(value) : (value as string | boolean);
    sources[option] = 'profile';
  }
  // A cluster's nodes: the list --broker would be, given one flag per node.
  if (profile.brokers !== undefined && unset('broker')) {
    values.broker = [...profile.brokers];
    sources.broker = 'profile';
  }
  if (profile.password_env !== undefined && !passwordGiven) {
    values.passwordEnv = profile.password_env;
    sources.passwordEnv = 'profile';
  }
  if (profile.client_id_prefix !== undefined && unset('clientId')) {
    values.clientIdPrefix = profile.client_id_prefix;
    sources.clientIdPrefix = 'profile';
  }
  return { values, sources };
}
