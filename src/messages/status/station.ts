/**
 * What the simulated station does with service_status: its Smart Charging service answers for itself (ready, unless
 * `scp simulate --service-status` says otherwise, with scp's version and the API version its schemas follow), and
 * announces itself unasked when it starts and when it stops. The station runs no other Josev service, so a question
 * about one gets no answer at all, as on a station without it.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceStatusRequest, ServiceStatusResponse, ServiceStatusResponseData } from '../../core/generated/types.js';
import type { SimulatedService, StationSide } from '../kind.js';

/** The API version the stand-in says it speaks: one its schemas follow (index.ts API_VERSIONS; a test holds it there). */
export const SIMULATED_API_VERSION = '1.6.9';

function itself(service: SimulatedService, status: string): ServiceStatusResponseData {
  return { service: 'smart_charging', status: status as ServiceStatusResponseData['status'], software_version: service.softwareVersion, api_version: SIMULATED_API_VERSION };
}

export const statusStation: StationSide<ServiceStatusRequest, ServiceStatusResponse> = {
  decide: (_profiles, request, _station, service) => ({
    response: request.data.service === 'smart_charging' ? { id: request.id, name: 'service_status', type: 'response', data: itself(service, service.status) } : undefined,
    removed: [],
  }),
  // A malformed question gets no answer: the services answer only what they can read as theirs.
  refuse: () => undefined,
  announce: (phase, service) => ({ id: randomUUID(), name: 'service_status', type: 'update', data: itself(service, phase === 'start' ? service.status : 'stopping') }),
};
