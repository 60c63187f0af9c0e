import type { ChargingProfilePurpose } from './generated/types.js';

/** OCPP 2.0.1 ChargingProfilePurposeEnumType: the purposes in the order the spec lists them; the check below fails `tsc` if the schema's enum changes. */
export const PURPOSES = [
  'ChargingStationExternalConstraints',
  'ChargingStationMaxProfile',
  'TxDefaultProfile',
  'TxProfile',
] as const satisfies readonly ChargingProfilePurpose[];
type MissingPurpose = Exclude<ChargingProfilePurpose, (typeof PURPOSES)[number]>;
const purposesCoverSchema: [MissingPurpose] extends [never] ? true : MissingPurpose = true;
void purposesCoverSchema;
