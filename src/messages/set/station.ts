/**
 * What the simulated station does with set_charging_profile (OCPP 2.0.1 K01): checks the profile as a station does
 * before installing it, installs it (replacing one with the same id), and answers. Loaded by the simulator only.
 */
import type { SetChargingProfileRequest, SetChargingProfileResponse } from '../../core/generated/types.js';
import type { StationSide } from '../kind.js';
import { setRules, storedProfile } from './index.js';
import { stationRefusal } from './validation.js';

const answer = (id: string, data: SetChargingProfileResponse['data']): SetChargingProfileResponse => ({ id, name: 'set_charging_profile', type: 'response', data });

export const setStation: StationSide<SetChargingProfileRequest, SetChargingProfileResponse> = {
  // K01 as libocpp checks it, against what the station holds and its EVSEs and transactions (validation.ts); then the
  // K01 text's rules libocpp leaves unchecked (a validity that ends before it starts, a Recurring profile without its
  // recurrency), as a CSMS checks them. A profile with an existing id replaces it.
  decide: (profiles, request, station) => {
    const refusal = stationRefusal(profiles, request.data, station());
    if (refusal !== undefined) {
      const info = { reason_code: refusal.reasonCode, additional_info: `${refusal.result}: ${refusal.detail}`.slice(0, 512) };
      return { response: answer(request.id, { status: 'rejected', status_info: info }), removed: [] };
    }
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
