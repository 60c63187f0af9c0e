/**
 * service_status (Josev internal MQTT API, page "Service Status"): `scp status`. A question on the station's general
 * topics: is this service's process up, in which state, and which software and API version does it run. The answer
 * must name the service asked; updates (type `update`, ids of their own) are news for --watch, never the answer.
 */
import { UsageError } from '../../core/errors.js';
import type { ServiceStatusRequest, ServiceStatusRequestData, ServiceStatusResponse } from '../../core/generated/types.js';
import { validateRequest, validateResponse } from '../../core/generated/validators/service_status.js';
import { checkFieldsWith, checkWith } from '../../core/validate.js';
import { notOneOf } from '../../core/fields.js';
import type { MessageKind } from '../kind.js';
import { SERVICES, statusFace, type StatusOptions } from './face.js';

/**
 * The Josev API versions the schemas in schemas/ were written against: 1.5.38 up to (not including) 1.7. A service
 * that reports another may shape its answers otherwise (the status words of set_charging_profile and
 * get_composite_schedule changed case between versions); scp says so and goes on.
 */
export const API_VERSIONS = { from: [1, 5, 38], below: [1, 7, 0], words: '1.5.38 to 1.6.x' } as const;

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Whether scp's schemas follow this API version (`1.6.9`); anything that is not x.y.z is not known to follow. */
export function followsApi(version: string): boolean {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) return false;
  const parts = match.slice(1).map(Number);
  return compare(parts, API_VERSIONS.from) >= 0 && compare(parts, API_VERSIONS.below) < 0;
}

export function buildStatusData(input: { service?: string }): ServiceStatusRequestData {
  const service = input.service ?? 'smart_charging';
  if (!(SERVICES as readonly string[]).includes(service)) {
    throw notOneOf('--service', service, SERVICES);
  }
  return { service: service as ServiceStatusRequestData['service'] };
}

const checkRequest = checkWith<ServiceStatusRequest>(validateRequest);
const checkResponse = checkWith<ServiceStatusResponse>(validateResponse);

/** The registry's entry for service_status. */
export const status: MessageKind<ServiceStatusRequest, ServiceStatusResponse, { service?: string }, StatusOptions> = {
  ...statusFace,
  name: 'service_status',
  nothingDone: 'answered',
  inputOf: ({ service }) => ({ service }),
  // Never said: every option has a default, so there is always something to ask (pipeline/build.ts chooseRequest).
  nothingToSend: (reason) => `nothing to ask (${reason})`,
  confirmation: () => undefined,
  buildData: buildStatusData,
  checkRequest,
  checkRequestOnWire: checkRequest,
  checkRequestFields: checkFieldsWith<ServiceStatusRequest>(validateRequest),
  checkResponse,
  rules: () => undefined,
  // The one check the schema cannot make: an answer under our id about another service is not an answer to us.
  answerProblem: (request, response) =>
    response.data.service === request.data.service ? undefined : `data/service: ${JSON.stringify(response.data.service)} is not the service asked (${request.data.service})`,
  news: (request, envelope) => {
    if (envelope === null || typeof envelope !== 'object') return undefined;
    const { name, type } = envelope as { name?: unknown; type?: unknown };
    if (name !== 'service_status' || (type !== 'update' && type !== 'response')) return undefined;
    // An update has the answer's fields under another type: checked as an answer.
    const checked = checkResponse({ ...envelope, type: 'response' });
    return checked.ok && checked.value.data.service === request.data.service ? checked.value : undefined;
  },
  warnings: () => [],
  shorthand: (text) => ((SERVICES as readonly string[]).includes(text) ? { service: text } : undefined),
  lineHint: `expected a service name (${SERVICES.join(', ')}) or a JSON object like {"service": "smart_charging"}`,
  describe: (data) => `service=${data.service}`,
  summarize: (response) => ({ outcome: response.data.status === 'ready' ? 'accepted' : 'rejected', status: response.data.status }),
  answerLines: (response) => [
    `service: ${response.data.service}`,
    ...(response.data.software_version === undefined ? [] : [`software_version: ${response.data.software_version}`]),
    ...(response.data.api_version === undefined ? [] : [`api_version: ${response.data.api_version}`]),
  ],
  answerWarnings: (response) => {
    const version = response.data.api_version;
    if (version === undefined || followsApi(version)) return [];
    return [`${response.data.service} speaks API version ${version}; scp's schemas follow ${API_VERSIONS.words}, so its answers may be read wrongly`];
  },
};
