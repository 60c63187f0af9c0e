import type { ChargingProfilePurpose } from './generated/types.js';

/** The purposes in the order the spec lists them; the check below fails `tsc` if the schema's enum changes. */
export const PURPOSES = [
  'ChargingStationExternalConstraints',
  'ChargingStationMaxProfile',
  'TxDefaultProfile',
  'TxProfile',
] as const satisfies readonly ChargingProfilePurpose[];
type MissingPurpose = Exclude<ChargingProfilePurpose, (typeof PURPOSES)[number]>;
const purposesCoverSchema: [MissingPurpose] extends [never] ? true : MissingPurpose = true;
void purposesCoverSchema;

/**
 * The request fields an operator sets, with the flag that sets each and what it allows. Flags, schema errors and
 * (later) prompts all speak through this table, so an operator reads one wording wherever the value came from.
 */
export const REQUEST_FIELDS = {
  charging_profile_id: { flag: '--id', allowed: 'an integer from 0 to 2147483647' },
  evse_id: { flag: '--evse', allowed: 'a non-empty EVSE id without spaces or control characters, e.g. GB*SEV*123' },
  charging_profile_purpose: { flag: '--purpose', allowed: `one of ${PURPOSES.join(', ')}` },
  stack_level: { flag: '--stack-level', allowed: 'an integer from 0 to 2147483647' },
} as const;

export type RequestField = keyof typeof REQUEST_FIELDS;

export function isRequestField(name: string): name is RequestField {
  return Object.hasOwn(REQUEST_FIELDS, name);
}

/** `--id: '-1' is not allowed; expected an integer from 0 to 2147483647` */
export function fieldProblem(field: RequestField, value: unknown): string {
  const { flag, allowed } = REQUEST_FIELDS[field];
  return `${flag}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`;
}
