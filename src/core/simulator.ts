/**
 * The Smart Charging service's side of ClearChargingProfile, as an OCPP 2.0.1 station applies it (use case K10):
 * which profiles a request removes, and what it answers. Pure: the caller owns the profile set and the clock.
 */
import type {
  ChargingProfilePurpose,
  ClearChargingProfileRequest,
  ClearChargingProfileResponse,
  SimulatedChargingProfile,
} from './generated/types.js';
import { checkClearRequestOnWire, describeSchemaError } from './validate.js';
import { validateChargingProfiles } from './generated/validators.js';
import type { ErrorObject } from 'ajv';

export type ChargingProfile = SimulatedChargingProfile;

// The profiles file and the request must agree on the purposes; `tsc` fails here if one schema changes alone.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const purposesAgree: Same<ChargingProfile['charging_profile_purpose'], ChargingProfilePurpose> = true;
void purposesAgree;

/** A few EVSEs and all four purposes, so every kind of clear has something to act on. EVSE "0" is the station. */
export const BUILT_IN_PROFILES: readonly ChargingProfile[] = [
  { id: 1, evse_id: 'GB*SEV*E001', charging_profile_purpose: 'TxProfile', stack_level: 0 },
  { id: 2, evse_id: 'GB*SEV*E001', charging_profile_purpose: 'TxDefaultProfile', stack_level: 0 },
  { id: 3, evse_id: 'GB*SEV*E002', charging_profile_purpose: 'TxProfile', stack_level: 1 },
  { id: 4, evse_id: 'GB*SEV*E002', charging_profile_purpose: 'TxDefaultProfile', stack_level: 0 },
  { id: 5, evse_id: 'GB*SEV*E003', charging_profile_purpose: 'TxDefaultProfile', stack_level: 2 },
  { id: 6, evse_id: '0', charging_profile_purpose: 'ChargingStationMaxProfile', stack_level: 0 },
  { id: 7, evse_id: '0', charging_profile_purpose: 'ChargingStationExternalConstraints', stack_level: 0 },
];

/** Checks a parsed profiles file; problems name the entry and field (`entry 2 (id 7): evse_id ...`). */
export function checkProfiles(data: unknown): { ok: true; profiles: ChargingProfile[] } | { ok: false; problem: string } {
  const validate = validateChargingProfiles as ((d: unknown) => boolean) & { errors?: ErrorObject[] | null };
  if (!validate(data)) {
    const error = validate.errors![0]!;
    const [, index, ...field] = error.instancePath.split('/');
    if (index === undefined) return { ok: false, problem: 'expected a JSON array of profiles' };
    const entry = (data as unknown[])[Number(index)] as { id?: unknown } | undefined;
    const label = `entry ${Number(index) + 1}${typeof entry?.id === 'number' ? ` (id ${entry.id})` : ''}`;
    const detail = describeSchemaError({ ...error, instancePath: field.map((f) => `/${f}`).join('') }, entry, label);
    return { ok: false, problem: field.length ? `${label}: ${detail.slice(1)}` : detail };
  }
  const profiles = data as ChargingProfile[];
  const seen = new Map<number, number>();
  for (const [i, profile] of profiles.entries()) {
    const first = seen.get(profile.id);
    if (first !== undefined) {
      return { ok: false, problem: `entry ${i + 1}: id ${profile.id} is already used by entry ${first + 1}` };
    }
    seen.set(profile.id, i);
  }
  return { ok: true, profiles };
}

export interface ClearDecision {
  /** The profiles the request removes; the caller deletes them from its set. */
  removed: ChargingProfile[];
  response: ClearChargingProfileResponse;
}

function matchesCriteria(profile: ChargingProfile, request: ClearChargingProfileRequest): boolean {
  const criteria = request.data.charging_profile_criteria;
  if (!criteria) return false;
  // OCPP 2.0.1 ClearChargingProfileType: each field clears profiles "if they meet the other criteria in the
  // request" (ANDed), and an absent field "means the clearing applies to all charging profiles that match the
  // other criteria". evseId 0 "specifies the charging profile for the overall Charging Station": a real value,
  // compared exactly like any other EVSE id (here a string, per the service's spec).
  return (
    (criteria.evse_id === undefined || criteria.evse_id === profile.evse_id) &&
    (criteria.charging_profile_purpose === undefined || criteria.charging_profile_purpose === profile.charging_profile_purpose) &&
    (criteria.stack_level === undefined || criteria.stack_level === profile.stack_level)
  );
}

/** What a valid request clears, and the answer: accepted when at least one profile went, unknown otherwise. */
export function decideClear(profiles: readonly ChargingProfile[], request: ClearChargingProfileRequest): ClearDecision {
  const { charging_profile_id: id } = request.data;
  const selected = profiles.filter((profile) =>
    // K10 (ClearChargingProfileRequest): clear "either a specific charging profile (denoted by id) or a selection
    // of charging profiles that match" the criteria; an id selects that profile alone, criteria not consulted.
    id !== undefined ? profile.id === id : matchesCriteria(profile, request),
  );
  // K10.FR.06: ChargingStationExternalConstraints profiles are set by an external system, never cleared this way.
  const removed = selected.filter((profile) => profile.charging_profile_purpose !== 'ChargingStationExternalConstraints');
  const protectedOnly = removed.length === 0 && selected.length > 0;
  return {
    removed,
    response: {
      id: request.id,
      name: 'clear_charging_profile',
      type: 'response',
      data: removed.length > 0
        ? { status: 'accepted' }
        : {
            status: 'unknown',
            ...(protectedOnly
              ? { status_info: { reason_code: 'NotAllowed', additional_info: 'ChargingStationExternalConstraints profiles cannot be cleared (OCPP 2.0.1 K10.FR.06)' } }
              : {}),
          },
    },
  };
}

/** What the service does with one message on its request topic. */
export type Handling =
  | { kind: 'ignore'; reason: string }
  | { kind: 'clear'; request: ClearChargingProfileRequest }
  | { kind: 'refuse'; requestId: string; response: ClearChargingProfileResponse; problems: string[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function handleRequest(payload: Uint8Array): Handling {
  let envelope: unknown;
  try {
    envelope = JSON.parse(utf8.decode(payload));
  } catch {
    return { kind: 'ignore', reason: 'not UTF-8 JSON' };
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    return { kind: 'ignore', reason: 'not a JSON object' };
  }
  const fields = envelope as Record<string, unknown>;
  if (fields.name !== 'clear_charging_profile' || fields.type !== 'request') {
    return { kind: 'ignore', reason: `not a clear_charging_profile request (name ${JSON.stringify(fields.name)}, type ${JSON.stringify(fields.type)})` };
  }
  const checked = checkClearRequestOnWire(envelope);
  if (checked.ok) return { kind: 'clear', request: checked.value };
  // A malformed request is answered, not dropped, so its sender is not left waiting; that needs an id to answer to.
  if (typeof fields.id !== 'string' || fields.id === '') {
    return { kind: 'ignore', reason: `invalid request with no id to answer to: ${checked.problems.join('; ')}` };
  }
  return {
    kind: 'refuse',
    requestId: fields.id,
    problems: checked.problems,
    response: {
      id: fields.id,
      name: 'clear_charging_profile',
      type: 'response',
      data: { status: 'unknown', status_info: { reason_code: 'InvalidRequest', additional_info: checked.problems.join('; ') } },
    },
  };
}

/** One line of `scp simulate`'s log: what was asked, what went, what was answered and how. */
export interface ServiceLogEntry {
  time: string;
  request_id: string;
  asked: ClearChargingProfileRequest['data'] | null;
  removed: number[];
  status: 'accepted' | 'unknown';
  status_info?: { reason_code?: string; additional_info?: string };
  /** `dropped`: applied but never answered, as when an answer is lost on the way. */
  delivery: 'answered' | 'dropped';
  delay_ms?: number;
  duplicated?: boolean;
}
