/**
 * `scp set --verify`: a profile the station accepted is only stored; whether it is in force depends on everything
 * else the station holds. After an accepted set, ask the station for the composite schedule of the profile's EVSE,
 * in the profile's unit (the station converts), over the profile's window from now, and compare each period with
 * what the profile asks at that time. Pure but for loading schedule's entry; loaded only with --verify.
 */
import type { CompositeSchedule, GetCompositeScheduleRequestData, SetChargingProfileRequest, SetChargingProfileRequestData } from '../../core/generated/types.js';
import { DAY, STATION_EVSE, profileEntries, recurrenceOf, secondsOf, type Entry } from '../../core/composite.js';
import type { Envelope, Verdict, Verifier } from '../kind.js';

/** OCPP limits carry one decimal: a composite limit within half of it is the profile's. */
const SAME = 0.05 + 1e-9;

/** When the profile stops mattering, from `now`: its schedule's end, valid_to, one recurrence, else a day from its start. */
function windowEnd(data: SetChargingProfileRequestData, now: number): number {
  const profile = data.charging_profile;
  const schedule = profile.charging_schedule[0];
  const validTo = profile.valid_to === undefined ? Infinity : secondsOf(profile.valid_to);
  const start = profile.charging_profile_kind === 'Absolute' && schedule.start_schedule !== undefined ? secondsOf(schedule.start_schedule) : now;
  const scheduleEnd = profile.charging_profile_kind === 'Recurring' ? now + recurrenceOf(profile) : schedule.duration === undefined ? Infinity : start + schedule.duration;
  const end = Math.min(validTo, scheduleEnd);
  return end === Infinity ? Math.max(now, start) + DAY : end;
}

/** The composite schedule that shows the profile in force or not; undefined: its schedule is over already. */
export function verifyQuestion(data: SetChargingProfileRequestData, now: Date): GetCompositeScheduleRequestData | undefined {
  const from = Math.floor(now.getTime() / 1000);
  const end = windowEnd(data, from);
  if (end <= from) return undefined;
  return { evse_id: data.evse_id ?? STATION_EVSE, duration: end - from, charging_rate_unit: data.charging_profile.charging_schedule[0].charging_rate_unit };
}

/** Where the profile is in force within the composite's window, and what it asks there (its own unit). */
function expected(data: SetChargingProfileRequestData, schedule: CompositeSchedule): Entry[] {
  const now = secondsOf(schedule.schedule_start);
  return profileEntries({ evse_id: data.evse_id ?? STATION_EVSE, charging_profile: data.charging_profile }, { now, end: now + schedule.duration });
}

/** Each stretch where the composite limit is not the profile's, as [from, to) seconds from the composite's start. */
function differences(entries: readonly Entry[], schedule: CompositeSchedule): Verdict['differences'] {
  const periods = schedule.charging_schedule_period;
  const unit = schedule.charging_rate_unit;
  const found: Verdict['differences'] = [];
  for (const entry of entries) {
    const asked = entry[unit]!;
    for (const [i, period] of periods.entries()) {
      const from = Math.max(entry.start, period.start_period);
      const to = Math.min(entry.end, periods[i + 1]?.start_period ?? schedule.duration);
      if (from >= to || Math.abs(period.limit - asked) <= SAME) continue;
      const last = found[found.length - 1];
      if (last && last.end_period === from && last.limit === period.limit && last.expected === asked) last.end_period = to;
      else found.push({ start_period: from, end_period: to, limit: period.limit, expected: asked });
    }
  }
  return found;
}

/** Whether the answer shows the profile in force wherever it applies in the window. */
export function verifyVerdict(data: SetChargingProfileRequestData, answer: Envelope<'response'>): Omit<Verdict, 'request' | 'response'> {
  const { status, schedule, status_info } = answer.data as { status: string; schedule?: CompositeSchedule; status_info?: { reason_code?: string } };
  if (status !== 'Accepted' || schedule === undefined) return { in_force: false, differences: [], reason: `the station answered the composite schedule ${status}${status_info?.reason_code ? ` (${status_info.reason_code})` : ''}` };
  const entries = expected(data, schedule);
  if (entries.length === 0) return { in_force: false, differences: [], reason: 'the profile is in force at no time of the window' };
  const found = differences(entries, schedule);
  const where = { from: schedule.schedule_start, unit: schedule.charging_rate_unit };
  return found.length === 0 ? { in_force: true, differences: [], ...where } : { in_force: false, differences: found, reason: 'something else limits the EVSE where the profile applies', ...where };
}

/** set's --verify (kind.ts Verifier): refused before anything is sent where the composite cannot tell. */
export const setVerifier: Verifier<SetChargingProfileRequest> = {
  refuse: (request) => {
    const { evse_id, charging_profile } = request.data;
    const stationWide = (evse_id ?? STATION_EVSE) === STATION_EVSE;
    if (stationWide && charging_profile.charging_profile_purpose !== 'ChargingStationMaxProfile') {
      return `--verify: give --evse: a station-wide ${charging_profile.charging_profile_purpose} applies to each EVSE, and the station's own composite schedule is their sum`;
    }
    return undefined;
  },
  asks: async () => (await import('../schedule/index.js')).schedule,
  question: (request, now) => verifyQuestion(request.data, now),
  verdict: (request, answer) => verifyVerdict(request.data, answer),
};
