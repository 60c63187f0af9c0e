/**
 * How the generated validators (ajv standalone code from schemas/) are run and their errors worded: one line per
 * problem, naming the field by its JSON pointer or, where a message says so, by the flag that sets it. Pure.
 */
import type { ErrorObject } from 'ajv';

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

/** A check by one generated validator, in the envelope's own words: what a registry entry's schema checks are. */
export const checkWith =
  <T>(validator: unknown) =>
  (data: unknown): Checked<T> =>
    check<T>(validator as Validator, data);
