/**
 * `scp schedule --offline --explain`: why the composite schedule is what it is. For each period, the profiles that set
 * its limit (none: the station's default); then every profile the station holds that sets no limit in the window,
 * with the reason, in the order a station rules it out: no schedule, another EVSE, no transaction, not in force in
 * the window, shadowed within its purpose, a TxProfile first, a lower limit. Read off the calculation itself
 * (core/composite.ts explainedSchedule), so the explanation cannot drift from the schedule. Pure.
 */
import { STATION_EVSE, explainedSchedule, profileEntries, sourcesOf, type CompositeAnswer, type CompositeRequest, type Entry, type Explained, type ScheduledProfile, type StationModel, type Timeline, type Window } from './composite.js';
import type { HeldProfile } from './profile.js';

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

/** The segments of a timeline that overlap any of the spans (seconds from the window's start). */
function overlapping(timeline: Timeline, spans: ReadonlyArray<{ start: number; end: number }>, duration: number) {
  return timeline.levels.filter((_, i) => {
    const from = timeline.starts[i]!;
    const to = timeline.starts[i + 1] ?? duration;
    return spans.some((span) => span.start < to && span.end > from);
  });
}

/** The window's span of a segment of `timeline` whose level names `profile`. */
function spansNaming(timeline: Timeline, profile: ScheduledProfile, duration: number) {
  return timeline.levels.flatMap((level, i) => (names(level, profile) ? [{ start: timeline.starts[i]!, end: timeline.starts[i + 1] ?? duration }] : []));
}

/** Why a profile with no period in force in the window has none. */
function timeReason(held: ScheduledProfile, window: Window, sessionStart: number | undefined): string {
  const profile = held.charging_profile;
  const at = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  const validTo = profile.valid_to === undefined ? Infinity : Date.parse(profile.valid_to) / 1000;
  const validFrom = profile.valid_from === undefined ? -Infinity : Date.parse(profile.valid_from) / 1000;
  if (validTo <= window.now) return `expired: valid until ${profile.valid_to}`;
  if (validFrom >= window.end) return `not valid yet: valid from ${profile.valid_from}, after the window`;
  const schedule = profile.charging_schedule[0]!;
  if (profile.charging_profile_kind === 'Recurring') return `recurring outside the window: no ${profile.recurrency_kind === 'Weekly' ? 'weekly' : 'daily'} occurrence of its periods falls in it`;
  const start = profile.charging_profile_kind === 'Relative' ? (sessionStart ?? window.now) : Date.parse(schedule.start_schedule!) / 1000;
  if (start >= window.end) return `starts after the window, at ${at(start)}`;
  return `its schedule ended before the window, at ${at(start + (schedule.duration ?? 0))}`;
}

/** What the calculation shows about one profile in force somewhere in the window that still sets no limit. */
function layerReason(held: ScheduledProfile, evses: readonly string[], explained: Explained, entries: readonly Entry[]): { reason: string; by: ProfileRef[] } {
  const duration = explained.window.end - explained.window.now;
  const purpose = held.charging_profile.charging_profile_purpose;
  const layers = explained.trace.layers.filter((layer) => layer.purpose === purpose && evses.includes(layer.evse));
  const won = layers.flatMap((layer) => spansNaming(layer.timeline, held, duration));
  if (won.length === 0) {
    const by = layers.flatMap((layer) => overlapping(layer.timeline, entries, duration).flatMap(sourcesOf));
    return { reason: 'shadowed: a profile of its purpose ranks above it wherever it is in force (a higher stack level, or at the same level the EVSE\'s own, then the lower id)', by: uniqueRefs(by, held) };
  }
  if (purpose === 'TxDefaultProfile') {
    const tx = explained.trace.layers.filter((layer) => layer.purpose === 'TxProfile' && evses.includes(layer.evse));
    const txLevels = tx.flatMap((layer) => overlapping(layer.timeline, won, duration));
    if (txLevels.length > 0 && txLevels.every((level) => level !== undefined)) return { reason: 'a TxProfile of the transaction takes precedence wherever it is in force', by: uniqueRefs(txLevels.flatMap(sourcesOf)) };
  }
  const inForce = explained.periods.filter(({ period }, i) => won.some((span) => span.start < (explained.periods[i + 1]?.period.start_period ?? duration) && span.end > period.start_period));
  return { reason: 'a lower limit applies wherever it is in force', by: uniqueRefs(inForce.flatMap(({ by }) => by), held) };
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
  const sessions = evses.map((evse) => station.transactions.get(evse)).map((tx) => (tx === undefined ? undefined : Math.floor(tx.start.getTime() / 1000)));
  const entries = sessions.flatMap((session) => profileEntries(whole, explained.window, session));
  if (entries.length === 0) return { reason: timeReason(whole, explained.window, sessions[0]) };
  return layerReason(whole, evses, explained, entries);
}

/** The station's answer to get_composite_schedule, with why each period is what it is (undefined: Rejected). */
export function explainSchedule(held: readonly HeldProfile[], request: CompositeRequest, station: StationModel): { answer: CompositeAnswer; explain?: Explanation } {
  const whole = held.flatMap(({ evse_id, charging_profile }) => (charging_profile ? [{ evse_id, charging_profile }] : []));
  const explained = explainedSchedule(whole, request, station);
  if (explained.answer.status !== 'Accepted') return { answer: explained.answer };
  const used = new Set(explained.periods.flatMap(({ by }) => by.map((profile) => profile.charging_profile.id)));
  const periods = explained.periods.map(({ period, by }) => ({ start_period: period.start_period, limit: period.limit, profiles: uniqueRefs(by) }));
  const unused = held.filter((profile) => !used.has(profile.id)).map((profile) => ({ ...refOf(profile), ...unusedReason(profile, request, station, explained) }));
  return { answer: explained.answer, explain: { periods, unused } };
}
