/**
 * What the simulated station does with get_composite_schedule (OCPP 2.0.1 K08): the composite schedule of the profiles
 * it holds, computed as EVerest's libocpp does (core/composite.ts). Loaded by the simulator only, so that an online
 * `scp schedule` never evaluates the calculation.
 */
import type { GetCompositeScheduleRequest, GetCompositeScheduleResponse } from '../../core/generated/types.js';
import { compositeSchedule } from '../../core/composite.js';
import { scheduledProfiles } from '../../core/profile.js';
import type { OfflineStation } from '../kind.js';
import { explainSchedule } from '../../core/explain.js';

const answer = (id: string, data: GetCompositeScheduleResponse['data']): GetCompositeScheduleResponse => ({ id, name: 'get_composite_schedule', type: 'response', data });

export const scheduleStation: OfflineStation<GetCompositeScheduleRequest, GetCompositeScheduleResponse> = {
  decide: (profiles, request, station) => ({
    response: answer(request.id, compositeSchedule(scheduledProfiles(profiles), request.data, station())),
    removed: [],
  }),
  // --offline --explain: the answer, with which profiles set each period and why the others set none (core/explain.ts).
  explain: (profiles, request, station) => {
    const { answer: data, explain } = explainSchedule(profiles, request.data, station);
    return { response: answer(request.id, data), ...(explain ? { explain } : {}) };
  },
  refuse: (id, problems) => answer(id, { status: 'Rejected', status_info: { reason_code: 'FormationViolation', additional_info: problems.join('; ').slice(0, 512) } }),
};
