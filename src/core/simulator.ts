/**
 * The stand-in Smart Charging service's station: the profiles it starts with, and which registry entry a message on
 * its request topic is (each entry decides what its request does: messages/). Pure: the caller owns the profile set
 * and the clock.
 */
import { describeSchemaError } from './validate.js';
import type { ChargingProfile } from '../messages/clear.js';
import type { Envelope, MessageKind } from '../messages/kind.js';
import { validateChargingProfiles } from './generated/validators.js';
import type { ErrorObject } from 'ajv';

export type { ChargingProfile };

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

/** What the service does with one message on its request topic: which registry entry it is, if any. */
export type Handling =
  | { kind: 'ignore'; reason: string }
  | { kind: 'serve'; message: MessageKind; request: Envelope<'request'> }
  | { kind: 'refuse'; message: MessageKind; requestId: string; response: Envelope<'response'>; problems: string[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function handleRequest(payload: Uint8Array, messages: readonly MessageKind[]): Handling {
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
  const message = messages.find((m) => m.name === fields.name);
  if (message === undefined || fields.type !== 'request') {
    const names = messages.map((m) => m.name).join(' or ');
    return { kind: 'ignore', reason: `not a ${names} request (name ${JSON.stringify(fields.name)}, type ${JSON.stringify(fields.type)})` };
  }
  const checked = message.checkRequestOnWire(envelope);
  if (checked.ok) return { kind: 'serve', message, request: checked.value };
  // A malformed request is answered, not dropped, so its sender is not left waiting; that needs an id to answer to.
  if (typeof fields.id !== 'string' || fields.id === '') {
    return { kind: 'ignore', reason: `invalid request with no id to answer to: ${checked.problems.join('; ')}` };
  }
  return { kind: 'refuse', message, requestId: fields.id, problems: checked.problems, response: message.refuse(fields.id, checked.problems) };
}

/** One line of `scp simulate`'s log: what was asked, what went, what was answered and how. */
export interface ServiceLogEntry {
  time: string;
  request_id: string;
  asked: object | null;
  removed: number[];
  /** Ids of the profiles the request installed (set). */
  added?: number[];
  status: string;
  status_info?: { reason_code?: string; additional_info?: string };
  /** `dropped`: applied but never answered, as when an answer is lost on the way. */
  delivery: 'answered' | 'dropped';
  delay_ms?: number;
  duplicated?: boolean;
}
