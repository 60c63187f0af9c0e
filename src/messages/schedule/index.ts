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
import type { MessageKind, Summer } from '../kind.js';
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

/**
 * Several --evse, or --sum (a sum of one is still a sum): one request per EVSE, each an input line built and checked
 * as the flags are (a bad EVSE is bad usage naming --evse, before anything is sent), with the same --duration and
 * --unit. Without --evse, --sum is bad usage unless --input gives the lines.
 */
function linesOf(options: ScheduleOptions): string[] | undefined {
  const evses = options.evse ?? [];
  if (evses.length === 0 && options.sum && options.input === undefined) {
    throw new UsageError('--sum: give the EVSEs to add up: --evse (once per EVSE) or --input <file> (one line per EVSE, with "station" where the topics name {station})');
  }
  if (evses.length < 2 && !(options.sum && evses.length === 1)) return undefined;
  return evses.map((evse) => JSON.stringify(buildScheduleData({ evse, duration: options.duration, unit: options.unit })));
}

/** The registry's entry for get_composite_schedule. */
export const schedule: MessageKind<GetCompositeScheduleRequest, GetCompositeScheduleResponse, ScheduleInput, ScheduleOptions> = {
  ...scheduleFace,
  name: 'get_composite_schedule',
  nothingDone: 'answered',
  // One --evse is one request; several (or --sum) are one input line each (linesOf).
  inputOf: ({ evse, duration, unit }) => ({ evse: evse?.[0], duration, unit }),
  linesOf,
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
  // --sum and --svg: what a site draws, and the picture of an answer (loaded only then).
  sum: async () => (await import('./sum.js')).scheduleSummer as Summer,
  // --offline: the simulator's station answers here (the composite calculation is loaded only then).
  offline: async () => (await import('./station.js')).scheduleStation,
};
