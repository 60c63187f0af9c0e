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
import { validateScheduleRequest, validateScheduleResponse } from '../../core/generated/validators.js';
import { checkWith } from '../../core/validate.js';
import { checkEvse, parseDuration } from '../../core/fields.js';
import { compositeSchedule, type ScheduledProfile } from '../../core/composite.js';
import { scheduleLines } from './render.js';
import type { OptionsOf } from '../../options.js';
import type { HeldProfile } from '../../core/profile.js';
import { questionOptions, type MessageKind } from '../kind.js';
import type { ScheduleInput } from './input.js';

export type { ScheduleInput };


/** A day: the window an operator most often asks about ("what happens until this time tomorrow?"). */
const DEFAULT_DURATION = '1d';

export function buildScheduleData(input: ScheduleInput): GetCompositeScheduleRequestData {
  if (input.evse === undefined) throw new UsageError('--evse: required (the EVSE, exactly as the station names it; 0 for the whole station)');
  const evse = checkEvse('--evse', input.evse);
  const duration = parseDuration(input.duration ?? DEFAULT_DURATION);
  if (input.unit !== undefined && input.unit !== 'A' && input.unit !== 'W') {
    throw new UsageError(`--unit: ${JSON.stringify(input.unit)} is not allowed; expected A or W`);
  }
  return { evse_id: evse, duration, ...(input.unit === undefined ? {} : { charging_rate_unit: input.unit }) };
}

/** `scp schedule`'s own options: the EVSE (what to ask about), the window, the unit, the chart. */
export const SCHEDULE_OPTIONS = [
  { key: 'evse', command: 'schedule', flags: '--evse <evse_id>', description: 'the EVSE, exactly as the station names it; 0 for the whole station', group: 'send', selects: true },
  { key: 'duration', command: 'schedule', flags: '--duration <duration>', description: 'the window from now: seconds, or 30m, 2h, 1d', default: DEFAULT_DURATION, group: 'send' },
  { key: 'unit', command: 'schedule', flags: '--unit <A|W>', description: 'the unit of the answer (default: the station\'s choice)', group: 'send', complete: ['A', 'W'] },
  { key: 'chart', command: 'schedule', flags: '--chart', description: 'draw the step chart even when stdout is not a terminal', group: 'output' },
  { key: 'chart', command: 'schedule', flags: '--no-chart', description: 'no step chart, also on a terminal', group: 'output' },
  ...questionOptions('schedule', 'ask once per line of this file (- for stdin): a JSON object shaped like the request\'s data, e.g. {"evse_id": "3", "duration": 3600}'),
] as const;

export type ScheduleOptions = OptionsOf<typeof SCHEDULE_OPTIONS>;

const SCHEDULE_HELP = `
Asks the service what limit the EVSE will apply from now over --duration: every profile in force combined (stack
levels, TxProfile over TxDefaultProfile, the station's maximum and external limits). Prints a header, one row per
period (absolute start and end in local time, the limit, phases) and, on a terminal, a step chart of the limit.
Without --evse on a terminal, scp asks for it; in a script it fails with exit 2. --json prints the full answer.

Examples:
  scp schedule --evse 3
  scp schedule --evse 3 --duration 2h --unit W
  scp schedule --evse 0 --json | jq '.response.data.schedule.charging_schedule_period'`;

const answer = (id: string, data: GetCompositeScheduleResponse['data']): GetCompositeScheduleResponse => ({ id, name: 'get_composite_schedule', type: 'response', data });

/** The profiles the station holds whole (an entry of --profiles for clear only has no schedule to count). */
const wholeProfiles = (profiles: readonly HeldProfile[]): ScheduledProfile[] =>
  profiles.flatMap(({ evse_id, charging_profile }) => (charging_profile ? [{ evse_id, charging_profile }] : []));

/** The registry's entry for get_composite_schedule. */
export const schedule: MessageKind<GetCompositeScheduleRequest, GetCompositeScheduleResponse, ScheduleInput> = {
  name: 'get_composite_schedule',
  command: 'schedule',
  summary: 'show the composite schedule of an EVSE (the limit it will apply, and when) as a table and a chart',
  help: SCHEDULE_HELP,
  nothingDone: 'answered',
  samples: { send: [['--evse', 'GB*SEV*E001'], ['--evse', '0', '--chart', '--unit', 'W']], bad: ['--evse', 'GB*SEV*E001', '--unit', 'kW'] },
  outcomes: { accepted: 'Accepted: the schedule is shown', other: 'Rejected: the service refused (see status_info; e.g. an unknown EVSE)' },
  options: SCHEDULE_OPTIONS,
  inputOf: (options) => {
    const { evse, duration, unit } = options as ScheduleOptions;
    return { evse, duration, unit };
  },
  nothingToSend: (reason) => `nothing to ask: give --evse <evse_id> (0 for the whole station), or --input <file> (not asking, since ${reason})`,
  ask: async (streams, warn, given) => (await import('./prompts.js')).askEvse(schedule, streams, warn, given),
  confirmation: () => undefined,
  buildData: buildScheduleData,
  checkRequest: checkWith<GetCompositeScheduleRequest>(validateScheduleRequest),
  checkRequestOnWire: checkWith<GetCompositeScheduleRequest>(validateScheduleRequest),
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
  decide: (profiles, request, station) => ({
    response: answer(request.id, compositeSchedule(wholeProfiles(profiles), request.data, station())),
    removed: [],
  }),
  refuse: (id, problems) => answer(id, { status: 'Rejected', status_info: { reason_code: 'FormationViolation', additional_info: problems.join('; ').slice(0, 512) } }),
};
