import type { ErrorObject } from 'ajv';
import { validateClearRequest, validateClearResponse } from './generated/validators.js';
import type { ClearChargingProfileRequest, ClearChargingProfileResponse } from './generated/types.js';
import { fieldProblem, isRequestField } from './fields.js';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const requestValidator = validateClearRequest as Validator;
const responseValidator = validateClearResponse as Validator;

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

/** Request problems are reported by flag (`--evse: ...`) where a flag sets the field. */
function describeRequestError(error: ErrorObject, root: unknown): string {
  const field = error.instancePath.split('/').pop() ?? '';
  if (isRequestField(field)) return fieldProblem(field, valueAt(root, error.instancePath));
  if (error.keyword === 'minProperties') {
    // K10.FR.02: the station must refuse a request with no selector; so do we.
    return 'nothing to clear: give --id, or at least one of --evse, --purpose, --stack-level (OCPP 2.0.1 K10.FR.02 forbids a request without either)';
  }
  return describeSchemaError(error, root);
}

const MAX_PROBLEMS = 5;

function check<T>(validator: Validator, data: unknown, describe: typeof describeSchemaError): Checked<T> {
  if (validator(data)) return { ok: true, value: data as T };
  const problems = [...new Set((validator.errors ?? []).map((e) => describe(e, data)))];
  // An answer with thousands of bad fields must still make a one-line message.
  if (problems.length > MAX_PROBLEMS) {
    return { ok: false, problems: [...problems.slice(0, MAX_PROBLEMS), `and ${problems.length - MAX_PROBLEMS} more problems`] };
  }
  return { ok: false, problems };
}

export function checkClearRequest(data: unknown): Checked<ClearChargingProfileRequest> {
  return check(requestValidator, data, describeRequestError);
}

/** The same check in the envelope's own words, for a service answering someone else's request. */
export function checkClearRequestOnWire(data: unknown): Checked<ClearChargingProfileRequest> {
  return check(requestValidator, data, describeSchemaError);
}

export function checkClearResponse(data: unknown): Checked<ClearChargingProfileResponse> {
  return check(responseValidator, data, describeSchemaError);
}
