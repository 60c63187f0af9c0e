/**
 * `scp schedule --offline --explain`: why the composite schedule is what it is. For each period, the profiles that set
 * its limit (none: the station's default); then every profile the station holds that sets no limit in the window,
 * with the reason, in the order a station rules it out: no schedule, another EVSE, no transaction, not in force in
 * the window, shadowed within its purpose, a TxProfile first, a lower limit. Read off the calculation itself
 * (core/composite.ts explainedSchedule), so the explanation cannot drift from the schedule. Pure.
 */
import { STATION_EVSE, explainedSchedule, profileEntries, secondsOf, sessionStartOf, sourcesOf, type CompositeAnswer, type CompositeRequest, type Entry, type Explained, type ScheduledProfile, type StationModel, type Timeline, type Window } from './composite.js';
import { scheduledProfiles, type HeldProfile } from './profile.js';

/** A profile as the explanation names it. */
export interface ProfileRef {
  id: number;
  evse_id: string;
  charging_profile_purpose: HeldProfile['charging_profile_purpose'];
  stack_level: number;
}

export interface Explanation {
  periods: Array<{ start_period: number; limit: number; profiles: ProfileRef[] }>;
  /** Each profile that sets no limit in the window: why, and (where others are the reason) which. */
  unused: Array<ProfileRef & { reason: string; by?: ProfileRef[] }>;
}

const refOf = ({ id, evse_id, charging_profile_purpose, stack_level }: HeldProfile): ProfileRef => ({ id, evse_id, charging_profile_purpose, stack_level });
const heldRef = ({ evse_id, charging_profile: { id, charging_profile_purpose, stack_level } }: ScheduledProfile): ProfileRef => ({ id, evse_id, charging_profile_purpose, stack_level });
/** The profiles named, each once, in the order first named, but `except`. */
function uniqueRefs(profiles: readonly ScheduledProfile[], except?: ScheduledProfile): ProfileRef[] {
  const seen = new Set(except ? [except.charging_profile.id] : []);
  return profiles.filter((p) => !seen.has(p.charging_profile.id) && seen.add(p.charging_profile.id)).map(heldRef);
}
const names = (level: Parameters<typeof sourcesOf>[0], profile: ScheduledProfile) => sourcesOf(level).some((p) => p.charging_profile.id === profile.charging_profile.id);

/** A stretch of the window, in seconds from its start. */
type Stretch = { start: number; end: number };
const meets = (a: Stretch, b: Stretch) => a.start < b.end && a.end > b.start;
/** A step function's steps (a timeline's segments, an answer's periods) with their stretches. */
const stretchesOf = <T>(steps: readonly T[], startOf: (step: T) => number, duration: number) =>
  steps.map((step, i) => ({ step, start: startOf(step), end: steps[i + 1] === undefined ? duration : startOf(steps[i + 1]!) }));
const segmentsOf = (timeline: Timeline, duration: number) => stretchesOf(timeline.levels.map((level, i) => ({ level, at: timeline.starts[i]! })), (s) => s.at, duration);

/** The levels of a timeline's segments that overlap any of the stretches. */
const overlapping = (timeline: Timeline, stretches: readonly Stretch[], duration: number) =>
  segmentsOf(timeline, duration).filter((segment) => stretches.some((stretch) => meets(stretch, segment))).map((segment) => segment.step.level);

/** The stretches of a timeline whose level names `profile`. */
const stretchesNaming = (timeline: Timeline, profile: ScheduledProfile, duration: number): Stretch[] =>
  segmentsOf(timeline, duration).filter((segment) => names(segment.step.level, profile));

/** Why a profile with no period in force in the window has none. */
function timeReason(held: ScheduledProfile, window: Window, sessionStart: number | undefined): string {
  const profile = held.charging_profile;
  const at = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  const validTo = profile.valid_to === undefined ? Infinity : secondsOf(profile.valid_to);
  const validFrom = profile.valid_from === undefined ? -Infinity : secondsOf(profile.valid_from);
  if (validTo <= window.now) return `expired: valid until ${profile.valid_to}`;
  if (validFrom >= window.end) return `not valid yet: valid from ${profile.valid_from}, after the window`;
  const schedule = profile.charging_schedule[0]!;
  if (profile.charging_profile_kind === 'Recurring') return `recurring outside the window: no ${profile.recurrency_kind === 'Weekly' ? 'weekly' : 'daily'} occurrence of its periods falls in it`;
  const start = profile.charging_profile_kind === 'Relative' ? (sessionStart ?? window.now) : secondsOf(schedule.start_schedule!);
  if (start >= window.end) return `starts after the window, at ${at(start)}`;
  return `its schedule ended before the window, at ${at(start + (schedule.duration ?? 0))}`;
}

/** What the calculation shows about one profile in force somewhere in the window that still sets no limit. */
function layerReason(held: ScheduledProfile, evses: readonly string[], explained: Explained, entries: readonly Entry[]): { reason: string; by: ProfileRef[] } {
  const duration = explained.window.end - explained.window.now;
  const purpose = held.charging_profile.charging_profile_purpose;
  const layers = explained.trace.layers.filter((layer) => layer.purpose === purpose && evses.includes(layer.evse));
  const won = layers.flatMap((layer) => stretchesNaming(layer.timeline, held, duration));
  if (won.length === 0) {
    const by = layers.flatMap((layer) => overlapping(layer.timeline, entries, duration).flatMap(sourcesOf));
    return { reason: 'shadowed: a profile of its purpose ranks above it wherever it is in force (a higher stack level, or at the same level the EVSE\'s own, then the lower id)', by: uniqueRefs(by, held) };
  }
  if (purpose === 'TxDefaultProfile') {
    const tx = explained.trace.layers.filter((layer) => layer.purpose === 'TxProfile' && evses.includes(layer.evse));
    const txLevels = tx.flatMap((layer) => overlapping(layer.timeline, won, duration));
    if (txLevels.length > 0 && txLevels.every((level) => level !== undefined)) return { reason: 'a TxProfile of the transaction takes precedence wherever it is in force', by: uniqueRefs(txLevels.flatMap(sourcesOf)) };
  }
  const inForce = stretchesOf(explained.periods, ({ period }) => period.start_period, duration).filter((stretch) => won.some((span) => meets(span, stretch)));
  return { reason: 'a lower limit applies wherever it is in force', by: uniqueRefs(inForce.flatMap(({ step }) => step.by), held) };
}

/** Why one held profile sets no limit in the window. */
function unusedReason(held: HeldProfile, request: CompositeRequest, station: StationModel, explained: Explained): { reason: string; by?: ProfileRef[] } {
  if (held.charging_profile === undefined) return { reason: 'no schedule: an entry for clear only (id, EVSE, purpose, stack level)' };
  const whole: ScheduledProfile = { evse_id: held.evse_id, charging_profile: held.charging_profile };
  const asked = request.evse_id;
  // The EVSEs it could limit in this answer: the one asked (and all of them for the station, "0").
  const evses = asked === STATION_EVSE ? (held.evse_id === STATION_EVSE ? [...station.evses, STATION_EVSE] : [held.evse_id]) : held.evse_id === asked || held.evse_id === STATION_EVSE ? [asked, STATION_EVSE] : [];
  if (evses.length === 0) return { reason: 'another EVSE' };
  const profile = held.charging_profile;
  if (profile.charging_profile_purpose === 'TxProfile') {
    const transaction = station.transactions.get(held.evse_id);
    if (transaction === undefined) return { reason: `no transaction: EVSE ${held.evse_id} has none active` };
    if (transaction.id !== profile.transaction_id) return { reason: `another transaction: ${profile.transaction_id} is not the one on EVSE ${held.evse_id} (${transaction.id})` };
  }
  const sessions = evses.map((evse) => sessionStartOf(station, evse));
  const entries = sessions.flatMap((session) => profileEntries(whole, explained.window, session));
  if (entries.length === 0) return { reason: timeReason(whole, explained.window, sessions[0]) };
  return layerReason(whole, evses, explained, entries);
}

/** The station's answer to get_composite_schedule, with why each period is what it is (undefined: Rejected). */
export function explainSchedule(held: readonly HeldProfile[], request: CompositeRequest, station: StationModel): { answer: CompositeAnswer; explain?: Explanation } {
  const explained = explainedSchedule(scheduledProfiles(held), request, station);
  if (explained.answer.status !== 'Accepted') return { answer: explained.answer };
  const used = new Set(explained.periods.flatMap(({ by }) => by.map((profile) => profile.charging_profile.id)));
  const periods = explained.periods.map(({ period, by }) => ({ start_period: period.start_period, limit: period.limit, profiles: uniqueRefs(by) }));
  const unused = held.filter((profile) => !used.has(profile.id)).map((profile) => ({ ...refOf(profile), ...unusedReason(profile, request, station, explained) }));
  return { answer: explained.answer, explain: { periods, unused } };
}
