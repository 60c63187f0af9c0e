/**
 * What the simulated station does with set_charging_profile (OCPP 2.0.1 K01): checks the profile as a station does
 * before installing it, installs it (replacing one with the same id), and answers. Loaded by the simulator only.
 */
import type { SetChargingProfileRequest, SetChargingProfileResponse } from '../../core/generated/types.js';
import type { StationSide } from '../kind.js';
import { setRules, storedProfile } from './index.js';

const answer = (id: string, data: SetChargingProfileResponse['data']): SetChargingProfileResponse => ({ id, name: 'set_charging_profile', type: 'response', data });

export const setStation: StationSide<SetChargingProfileRequest, SetChargingProfileResponse> = {
  // K01: a station checks what a CSMS checks before it installs; a profile with an existing id replaces it.
  decide: (profiles, request) => {
    const problem = setRules(request.data, 'fields');
    if (problem !== undefined) {
      return { response: answer(request.id, { status: 'rejected', status_info: { reason_code: 'InvalidProfile', additional_info: problem } }), removed: [] };
    }
    const installed = storedProfile(request.data);
    const replaced = profiles.filter((profile) => profile.id === installed.id);
    return { response: answer(request.id, { status: 'accepted' }), removed: replaced, added: [installed] };
  },
  refuse: (id, problems) => answer(id, { status: 'rejected', status_info: { reason_code: 'InvalidProfile', additional_info: problems.join('; ') } }),
};
