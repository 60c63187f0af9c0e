/**
 * get_composite_schedule (OCPP 2.0.1 K08, GetCompositeSchedule): `scp schedule`. A question, not a change: what
 * limit an EVSE will apply over a window from now. Its answer's status is capitalised (Accepted/Rejected), unlike
 * clear's and set's. The simulator answers it from the profiles it holds (core/composite.ts).
 */
import { UsageError } from '../../core/errors.js';
import type {
  GetCompositeScheduleRequest,
  GetCompositeScheduleRequestData,
  GetCompositeScheduleResponse,
} from '../../core/generated/types.js';
import { validateRequest as validateScheduleRequest, validateResponse as validateScheduleResponse } from '../../core/generated/validators/get_composite_schedule.js';
import { checkFieldsWith, checkWith } from '../../core/validate.js';
import { checkEvse, notOneOf, parseDuration, rateUnit } from '../../core/fields.js';
import { scheduleLines } from './render.js';
import type { MessageKind } from '../kind.js';
import type { ScheduleInput } from './input.js';
import { DEFAULT_DURATION, scheduleFace, type ScheduleOptions } from './face.js';

export type { ScheduleInput };

export function buildScheduleData(input: ScheduleInput): GetCompositeScheduleRequestData {
  if (input.evse === undefined) throw new UsageError('--evse: required (the EVSE, exactly as the station names it; 0 for the whole station)');
  const evse = checkEvse('--evse', input.evse);
  const duration = parseDuration(input.duration ?? DEFAULT_DURATION);
  const unit = rateUnit(input.unit);
  if (unit !== undefined && unit !== 'A' && unit !== 'W') {
    throw notOneOf('--unit', String(input.unit), ['A', 'W'], 'A or W');
  }
  return { evse_id: evse, duration, ...(unit === undefined ? {} : { charging_rate_unit: unit }) };
}

/** The registry's entry for get_composite_schedule. */
export const schedule: MessageKind<GetCompositeScheduleRequest, GetCompositeScheduleResponse, ScheduleInput, ScheduleOptions> = {
  ...scheduleFace,
  name: 'get_composite_schedule',
  nothingDone: 'answered',
  inputOf: ({ evse, duration, unit }) => ({ evse, duration, unit }),
  nothingToSend: (reason) => `nothing to ask: give --evse <evse_id> (0 for the whole station), or --input <file> (not asking, since ${reason})`,
  ask: async (streams, warn, given) => (await import('./prompts.js')).askEvse(schedule, streams, warn, given),
  confirmation: () => undefined,
  buildData: buildScheduleData,
  checkRequest: checkWith<GetCompositeScheduleRequest>(validateScheduleRequest),
  checkRequestOnWire: checkWith<GetCompositeScheduleRequest>(validateScheduleRequest),
  checkRequestFields: checkFieldsWith<GetCompositeScheduleRequest>(validateScheduleRequest),
  checkResponse: checkWith<GetCompositeScheduleResponse>(validateScheduleResponse),
  rules: () => undefined,
  warnings: () => [],
  shorthand: () => undefined,
  lineHint: 'expected a JSON object like {"evse_id": "3", "duration": 3600}',
  describe: (data) => `evse_id=${data.evse_id} duration=${data.duration}${data.charging_rate_unit ? ` unit=${data.charging_rate_unit}` : ''}`,
  summarize: (response) => ({
    outcome: response.data.status === 'Accepted' ? 'accepted' : 'rejected',
    status: response.data.status,
    ...(response.data.status_info ? { info: response.data.status_info } : {}),
  }),
  render: (response, view) => (response.data.schedule ? scheduleLines(response.data.schedule, view) : []),
  // --offline: the simulator's station answers here (the composite calculation is loaded only then).
  offline: async () => (await import('./station.js')).scheduleStation,
};
