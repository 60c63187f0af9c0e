/**
 * clear_charging_profile (OCPP 2.0.1 K10, ClearChargingProfile): `scp clear`. Everything about this message that
 * differs from another lives here: its schemas, how flags, prompts and input lines build a request, the rules
 * checked before sending, how an answer reads, and what the simulator's station does with it.
 */
import { UsageError } from '../../core/errors.js';
import type {
  ChargingProfilePurpose,
  ClearChargingProfileRequest,
  ClearChargingProfileRequestData,
  ClearChargingProfileResponse,
} from '../../core/generated/types.js';
import type { HeldProfile } from '../../core/profile.js';
import { check, checkFieldsWith, checkWith, describeSchemaError, valueAt, type Checked, type Validator } from '../../core/validate.js';
import { validateRequest as validateClearRequest, validateResponse as validateClearResponse } from '../../core/generated/validators/clear_charging_profile.js';
import { PURPOSES } from '../../core/fields.js';
import { didYouMeanValue } from '../../core/similar.js';
import type { ErrorObject } from 'ajv';
import type { MessageKind } from '../kind.js';
import type { ClearSelectorInput } from './input.js';
import { clearFace, type ClearOptions } from './face.js';

export type { ClearSelectorInput };


/**
 * The request fields an operator sets, with the flag that sets each and what it allows. Flags, schema errors and
 * prompts all speak through this table, so an operator reads one wording wherever the value came from.
 */
export const REQUEST_FIELDS = {
  charging_profile_id: { flag: '--id', allowed: 'an integer from 0 to 2147483647' },
  evse_id: { flag: '--evse', allowed: 'a non-empty EVSE id without spaces or control characters, e.g. GB*SEV*123' },
  charging_profile_purpose: { flag: '--purpose', allowed: `one of ${PURPOSES.join(', ')}`, choices: PURPOSES },
  stack_level: { flag: '--stack-level', allowed: 'an integer from 0 to 2147483647' },
} as const;

export type RequestField = keyof typeof REQUEST_FIELDS;

export function isRequestField(name: string): name is RequestField {
  return Object.hasOwn(REQUEST_FIELDS, name);
}

/** `--id: '-1' is not allowed; expected an integer from 0 to 2147483647` */
export function fieldProblem(field: RequestField, value: unknown): string {
  const spec: { flag: string; allowed: string; choices?: readonly string[] } = REQUEST_FIELDS[field];
  const { flag, allowed, choices } = spec;
  const near = choices !== undefined && typeof value === 'string' ? didYouMeanValue(value, choices) : '';
  return `${flag}: ${JSON.stringify(value)} is not allowed; expected ${allowed}${near}`;
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


export function checkClearRequest(data: unknown): Checked<ClearChargingProfileRequest> {
  return check(validateClearRequest as Validator, data, describeRequestError);
}

/** The same check in the envelope's own words, for an input line or a service answering someone else's request. */
export const checkClearRequestOnWire = checkWith<ClearChargingProfileRequest>(validateClearRequest);

export const checkClearResponse = checkWith<ClearChargingProfileResponse>(validateClearResponse);


// The profiles file and the request must agree on the purposes; `tsc` fails here if one schema changes alone.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const purposesAgree: Same<HeldProfile['charging_profile_purpose'], ChargingProfilePurpose> = true;
void purposesAgree;

/**
 * Digits only: `1e3`, `0x10`, `1.0` and ` 7` are refused rather than guessed at, since a mistyped id on a live
 * network clears the wrong profile. The range is the schema's job.
 */
function parseInteger(field: RequestField, raw: string): number {
  if (!/^-?[0-9]+$/.test(raw)) throw new UsageError(fieldProblem(field, raw));
  return Number(raw);
}

export function buildClearData(input: ClearSelectorInput): ClearChargingProfileRequestData {
  const criteria: NonNullable<ClearChargingProfileRequestData['charging_profile_criteria']> = {};
  if (input.evse !== undefined) criteria.evse_id = input.evse;
  if (input.purpose !== undefined) {
    criteria.charging_profile_purpose = input.purpose as NonNullable<typeof criteria.charging_profile_purpose>;
  }
  if (input.stackLevel !== undefined) criteria.stack_level = parseInteger('stack_level', input.stackLevel);
  const hasCriteria = Object.keys(criteria).length > 0;

  const data: ClearChargingProfileRequestData = {};
  if (input.id !== undefined) data.charging_profile_id = parseInteger('charging_profile_id', input.id);
  if (hasCriteria) data.charging_profile_criteria = criteria;
  return data;
}

/**
 * The schema (like OCPP) lets a request carry both an id and criteria, but a station that gets an id clears that
 * profile and ignores the criteria: the operator's narrowing would silently not apply.
 */
function clearRules(data: ClearChargingProfileRequestData, words: 'flags' | 'fields'): string | undefined {
  if (data.charging_profile_id === undefined || data.charging_profile_criteria === undefined) return undefined;
  return words === 'flags'
    ? '--id cannot be combined with --evse, --purpose or --stack-level: the station clears by id and ignores criteria; use one or the other'
    : 'charging_profile_id cannot be combined with charging_profile_criteria: the station clears by id and ignores criteria';
}

/** Things worth telling the operator about a valid request before it goes out. */
export function requestWarnings(request: ClearChargingProfileRequest): string[] {
  const warnings: string[] = [];
  if (request.data.charging_profile_criteria?.charging_profile_purpose === 'ChargingStationExternalConstraints') {
    warnings.push(
      'OCPP 2.0.1 K10.FR.06 forbids clearing ChargingStationExternalConstraints profiles: the service will likely answer unknown',
    );
  }
  return warnings;
}

/** A request's selector in few words, for log lines: `id=1` or `evse_id=GB*SEV*E001 purpose=TxProfile`. */
export function describeSelector(data: ClearChargingProfileRequestData | null): string {
  if (!data) return 'an invalid request';
  const parts: string[] = [];
  if (data.charging_profile_id !== undefined) parts.push(`id=${data.charging_profile_id}`);
  const criteria = data.charging_profile_criteria;
  if (criteria?.evse_id !== undefined) parts.push(`evse_id=${criteria.evse_id}`);
  if (criteria?.charging_profile_purpose !== undefined) parts.push(`purpose=${criteria.charging_profile_purpose}`);
  if (criteria?.stack_level !== undefined) parts.push(`stack_level=${criteria.stack_level}`);
  return parts.join(' ');
}


/** The registry's entry for clear_charging_profile. */
export const clear: MessageKind<ClearChargingProfileRequest, ClearChargingProfileResponse, ClearSelectorInput, ClearOptions> = {
  ...clearFace,
  name: 'clear_charging_profile',
  nothingDone: 'removed nothing',
  inputOf: ({ id, evse, purpose, stackLevel }) => ({ id, evse, purpose, stackLevel }),
  nothingToSend: (reason) =>
    `nothing to clear: give --id <n>, or any of --evse <evse_id>, --purpose <purpose>, --stack-level <n>, or --input <file> (not asking, since ${reason})`,
  // The questions load the prompt library: only on a terminal, only when nothing was given.
  ask: async (streams, warn) => (await import('./prompts.js')).askSelector(clear, streams, warn),
  // A criteria request that names no EVSE reaches every EVSE of the station: the one whose default is No.
  confirmation: (request) =>
    clearsEveryEvse(request)
      ? { message: 'No EVSE is named, so this clears the matching profiles on every EVSE of the station. Send it?', yes: false }
      : { message: 'Send it?', yes: true },
  buildData: buildClearData,
  checkRequest: checkClearRequest,
  checkRequestOnWire: checkClearRequestOnWire,
  checkRequestFields: checkFieldsWith<ClearChargingProfileRequest>(validateClearRequest),
  checkResponse: checkClearResponse,
  rules: clearRules,
  warnings: requestWarnings,
  shorthand: (text) => (/^-?[0-9]+$/.test(text) ? { charging_profile_id: Number(text) } : undefined),
  lineHint: 'expected a profile id (digits) or a JSON object like {"charging_profile_id": 7}',
  describe: describeSelector,
  summarize: (response) => ({ outcome: response.data.status, status: response.data.status, ...(response.data.status_info ? { info: response.data.status_info } : {}) }),
};

/**
 * A criteria request that names no EVSE clears the matching profiles on every EVSE of the station: the one request
 * whose confirmation defaults to No.
 */
export function clearsEveryEvse(request: ClearChargingProfileRequest): boolean {
  const criteria = request.data.charging_profile_criteria;
  return criteria !== undefined && criteria.evse_id === undefined;
}
