import type { ClearChargingProfileRequest, ClearChargingProfileResponse } from './generated/types.js';

/** The documented outcomes of one clear; `--json` prints one of these words and nothing else. */
export type Outcome = 'accepted' | 'unknown' | 'timeout' | 'invalid_response' | 'error';

/** The record `--json` prints, field names and order as documented in the README. */
export interface ClearRecord {
  request: ClearChargingProfileRequest;
  /** The answer as received: a schema-valid response, or (for invalid_response) the offending envelope. */
  response: ClearChargingProfileResponse | Record<string, unknown> | null;
  outcome: Outcome;
  error?: string;
  elapsed_ms: number;
}

export function statusOutcome(response: ClearChargingProfileResponse): 'accepted' | 'unknown' {
  return response.data.status;
}
