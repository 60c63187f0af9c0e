/**
 * How the generated validators (ajv standalone code from schemas/) are run and their errors worded: one line per
 * problem, naming the field by its JSON pointer or, where a message says so, by the flag that sets it. Pure.
 */
import type { ErrorObject } from 'ajv';
import { didYouMeanValue } from './similar.js';

/** A validator generated from schemas/ (ajv standalone code), with the errors of its last call. */
export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** The keys of a JSON pointer (`/profiles/a~1b` -> `profiles`, `a/b`). */
export function pointerKeys(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Walks the instance path (a JSON pointer) so an error can quote the offending value. */
export function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const key of pointerKeys(pointer)) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

/** One readable line per schema violation, in the envelope's own words (`/data/status: must be one of ...`). */
export function describeSchemaError(error: ErrorObject, root: unknown, rootName = '(envelope)'): string {
  const where = error.instancePath || rootName;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where}: unexpected field ${JSON.stringify(error.params.additionalProperty)}`;
    case 'required':
      return `${where}: missing field ${JSON.stringify(error.params.missingProperty)}`;
    case 'enum':
      return `${where}: ${JSON.stringify(valueAt(root, error.instancePath))} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'minProperties':
      return `${where}: must not be empty`;
    case 'const':
      return `${where}: must be ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return `${where}: ${error.message ?? error.keyword}`;
  }
}

/** A request field as an operator writes it: `/data/charging_profile/charging_schedule/0/limit` ->
 * `charging_profile.charging_schedule[0].limit`. */
export function fieldName(pointer: string): string {
  const keys = pointerKeys(pointer);
  return (keys[0] === 'data' ? keys.slice(1) : keys).reduce((name, key) => (/^\d+$/.test(key) ? `${name}[${key}]` : name ? `${name}.${key}` : key), '');
}

/** `an integer`, `a string`: a JSON type as a sentence names it. */
export const article = (type: string) => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;

/** What to write instead of a string that holds the number or switch a field wants (`"5"` for a timeout); undefined
 * when the string holds no such value. */
export function quotedValue(value: unknown, type: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  if ((type === 'number' || type === 'integer') && value.trim() !== '' && Number.isFinite(Number(value))) return `write the number without quotes: ${Number(value)}`;
  if (type === 'boolean' && /^(true|false)$/.test(value)) return `write ${value} without quotes`;
  return undefined;
}

/** What a keyword allows, in words: `at least 0`, `one of A, W`, `an integer`. */
function allowedWords(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'minimum':
    case 'exclusiveMinimum':
      return `${error.keyword === 'minimum' ? 'at least' : 'more than'} ${p.limit}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${error.keyword === 'maximum' ? 'at most' : 'less than'} ${p.limit}`;
    case 'type':
      return article(String(p.type));
    case 'enum':
      return `one of ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return JSON.stringify(p.allowedValue);
    case 'pattern':
      return /\\s/.test(String(p.pattern)) ? 'a value without spaces or control characters' : `a value matching ${p.pattern}`;
    case 'minLength':
    case 'maxLength':
      return `${error.keyword === 'minLength' ? 'at least' : 'at most'} ${p.limit} characters`;
    case 'minItems':
    case 'maxItems':
      return `${error.keyword === 'minItems' ? 'at least' : 'at most'} ${p.limit} entries`;
    default:
      return error.message ?? error.keyword;
  }
}

/**
 * One schema violation in the words a flag's error uses, for a request an operator wrote (an input line, a file):
 * the field by its name and what it allows, never a JSON pointer (`charging_profile_id: -1 is not allowed; expected
 * at least 0`). A string holding a number is said as such.
 */
export function describeFieldError(error: ErrorObject, root: unknown): string {
  const field = fieldName(error.instancePath);
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const value = valueAt(root, error.instancePath);
  switch (error.keyword) {
    case 'required':
      return `${at(String(error.params.missingProperty))}: required`;
    case 'additionalProperties':
      return `${at(String(error.params.additionalProperty))}: not a field ${field ? `of ${field}` : 'of this request'}`;
    case 'minProperties':
      return `${field || 'the request'}: must not be empty`;
  }
  const name = field || 'the request';
  const unquote = error.keyword === 'type' ? quotedValue(value, String(error.params.type)) : undefined;
  if (unquote !== undefined) return `${name}: ${JSON.stringify(value)} is a string; ${unquote}`;
  const near = error.keyword === 'enum' && typeof value === 'string' ? didYouMeanValue(value, (error.params.allowedValues as unknown[]).map(String)) : '';
  return `${name}: ${JSON.stringify(value)} is not allowed; expected ${allowedWords(error)}${near}`;
}

const MAX_PROBLEMS = 5;

/** Checks `data` with a generated validator; each problem in one line by `describe` (the envelope's words by default). */
export function check<T>(validator: Validator, data: unknown, describe: typeof describeSchemaError = describeSchemaError): Checked<T> {
  if (validator(data)) return { ok: true, value: data as T };
  const problems = [...new Set((validator.errors ?? []).map((e) => describe(e, data)))];
  // An answer with thousands of bad fields must still make a one-line message.
  if (problems.length > MAX_PROBLEMS) {
    return { ok: false, problems: [...problems.slice(0, MAX_PROBLEMS), `and ${problems.length - MAX_PROBLEMS} more problems`] };
  }
  return { ok: false, problems };
}

/** A check by one generated validator in the words of the request's fields, for a request an operator wrote. */
export const checkFieldsWith =
  <T>(validator: unknown) =>
  (data: unknown): Checked<T> =>
    check<T>(validator as Validator, data, describeFieldError);

/** A check by one generated validator, in the envelope's own words: what a registry entry's schema checks are. */
export const checkWith =
  <T>(validator: unknown) =>
  (data: unknown): Checked<T> =>
    check<T>(validator as Validator, data);
