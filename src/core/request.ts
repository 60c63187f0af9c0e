import { UsageError } from '../errors.js';
import { fieldProblem, type RequestField } from './fields.js';
import type { ClearChargingProfileRequest, ClearChargingProfileRequestData } from './generated/types.js';
import { checkClearRequest } from './validate.js';

/** What the operator typed, before any parsing: flags (and later prompts and input lines) arrive as strings. */
export interface ClearSelectorInput {
  id?: string;
  evse?: string;
  purpose?: string;
  stackLevel?: string;
}

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
 * Builds the envelope and validates it against the request schema: the only way a request reaches the transport.
 * `newId` is injected so tests can pin it; production passes randomUUID (src/random.ts).
 */
export function buildClearRequest(input: ClearSelectorInput, newId: () => string): ClearChargingProfileRequest {
  const data = buildClearData(input);
  const request = { id: newId(), name: 'clear_charging_profile', type: 'request', data };
  const checked = checkClearRequest(request);
  if (!checked.ok) throw new UsageError(checked.problems.join('; '));
  if (data.charging_profile_id !== undefined && data.charging_profile_criteria !== undefined) {
    // The schema (like OCPP) lets a request carry both, but a station that gets an id clears that profile and
    // ignores the criteria: the operator's narrowing would silently not apply.
    throw new UsageError(
      '--id cannot be combined with --evse, --purpose or --stack-level: the station clears by id and ignores criteria; use one or the other',
    );
  }
  return checked.value;
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

/** True when the operator named something to clear; otherwise there is nothing to send, or something to ask. */
export function hasSelector(input: ClearSelectorInput): boolean {
  return input.id !== undefined || input.evse !== undefined || input.purpose !== undefined || input.stackLevel !== undefined;
}

/** A placeholder envelope id for checks that build a request only to validate it; never published. */
export const CHECK_ID = '00000000-0000-4000-8000-000000000000';

/**
 * What a prompt says about an answer: exactly the words a flag with that value would get, because it runs the same
 * parser and the same schema (undefined when the answer is fine). One source of truth for flags and prompts.
 */
export function selectorProblem(input: ClearSelectorInput): string | undefined {
  try {
    buildClearRequest(input, () => CHECK_ID);
    return undefined;
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
}

/** The warnings a request of this selector would get (the prompts show them as the purpose is chosen). */
export function selectorWarnings(input: ClearSelectorInput): string[] {
  return requestWarnings(buildClearRequest(input, () => CHECK_ID));
}

/**
 * A criteria request that names no EVSE clears the matching profiles on every EVSE of the station: the one request
 * whose confirmation defaults to No.
 */
export function clearsEveryEvse(request: ClearChargingProfileRequest): boolean {
  const criteria = request.data.charging_profile_criteria;
  return criteria !== undefined && criteria.evse_id === undefined;
}
