/**
 * The composite schedule a station computes from the profiles it holds (OCPP 2.0.1 K08, GetCompositeSchedule): the
 * limit an EVSE will apply at each second of a window from now. The simulator answers `get_composite_schedule` with
 * it. Pure: the caller gives the profiles, the station and the clock.
 *
 * The conventions are those of EVerest's libocpp, the open-source OCPP stack many stations run, cited by function
 * (lib/everest/ocpp/lib/ocpp/v2/profile.cpp and .../v2/functional_blocks/smart_charging.cpp in EVerest/everest-core,
 * where libocpp now lives; lib/ocpp/v201/ in the former EVerest/libocpp repository):
 * - start of a schedule (`calculate_start`): Absolute at start_schedule; Recurring at the latest occurrence at or
 *   before now, counted in plain UTC seconds from start_schedule (so before a start_schedule in the future too),
 *   then every day or week up to the window's end; Relative at the transaction's start, or now without one;
 * - a period lasts until the soonest of the next period, the schedule's duration, the next recurrence and valid_to;
 *   valid_from moves its start later; a period already over is dropped (`calculate_profile_entry`, `validate`);
 * - a period without number_phases counts 3: libocpp conforms every profile it holds before using it
 *   (`get_valid_profiles_for_evse` -> `conform_schedule_number_phases`, K01.FR.49);
 * - within a purpose the highest stack level in force wins, lower levels showing through its gaps
 *   (`generate_profile_from_periods`);
 * - a TxProfile (only for the EVSE's active transaction) wins over TxDefaultProfiles
 *   (`merge_tx_profile_with_tx_default_profile`); ChargingStationMaxProfile and ChargingStationExternalConstraints
 *   only lower it, A limits against A limits and W against W, the period counting the fewest phases any of them
 *   counts (`merge_profiles_by_lowest_limit`); where only a bound is in force its limit applies, as there;
 * - the A and W limits of a period are kept apart until the end, then the other unit's is converted at supply
 *   voltage x the phases of that period (the merged count, or --default-phases where none: libocpp's
 *   CompositeScheduleDefaultNumberPhases) and the lower taken (`convert_intermediate_into_schedule`). So a 1-phase
 *   16 A bound over a 2,070 W TxDefault gives 9 A on 1 phase, not 3 A (the TxDefault's own 3 phases);
 * - evse "0" adds up the EVSEs' limits, A and W apart, an EVSE with none adding the default, the period counting
 *   the most phases any EVSE counts (`merge_profiles_by_summing_limits`), then the station's bounds lower it;
 * - where nothing limits, the default limit with no phase count; a phase_to_use is not passed on (libocpp's merges
 *   drop it);
 * - an EVSE takes its own profiles and the station's (evse_id "0") (`get_valid_profiles`); the answer is in A unless
 *   W is asked for; an unknown EVSE is Rejected with InvalidValue / EvseDoesNotExist
 *   (`get_composite_schedule_internal`).
 * Where we differ, deliberately, as the product asks: TxDefaultProfiles apply with no transaction (libocpp counts
 * them only during one, or when simulating one); limits are rounded down to 0.1 (OCPP allows one decimal, and
 * rounding down never exceeds a bound); at evse "0" the station-wide ChargingStationExternalConstraints cap the sum
 * (libocpp applies them to each EVSE before adding up); at equal stack level an EVSE's own profile wins over the
 * station's, then the lower id (libocpp leaves that order open).
 */
import type { ChargingProfile, ChargingRateUnit, CompositeSchedule, CompositeSchedulePeriod } from './generated/types.js';
import { wholeSecondsUtc } from './fields.js';
import type { ScheduledProfile } from './profile.js';

/** The station's EVSE for the station as a whole, as the service names it. */
export const STATION_EVSE = '0';

export interface Transaction {
  id: string;
  start: Date;
}

/** What the simulated station is, besides its profiles: the configuration a real one keeps in its device model. */
export interface StationModel {
  now: Date;
  evses: readonly string[];
  /** By EVSE id: its active transaction. */
  transactions: ReadonlyMap<string, Transaction>;
  supplyVoltage: number;
  defaultLimits: Readonly<Record<ChargingRateUnit, number>>;
  defaultPhases: number;
}

export type { ScheduledProfile };

export interface CompositeRequest {
  evse_id: string;
  duration: number;
  charging_rate_unit?: ChargingRateUnit;
}

export type CompositeAnswer =
  | { status: 'Accepted'; schedule: CompositeSchedule }
  | { status: 'Rejected'; status_info: { reason_code: string; additional_info: string } };

/**
 * What limits a period: its A and W limits apart (libocpp's current_limit and power_limit, converted only at the end),
 * with the phases it counts on.
 */
interface Level {
  A?: number;
  W?: number;
  phases?: number;
  /** The profiles the A limit, and the W limit, come from (several where they tie; for --explain). */
  byA?: readonly ScheduledProfile[];
  byW?: readonly ScheduledProfile[];
}

/** A period of one profile, in seconds from the window's start, clipped to the window. */
export interface Entry extends Level {
  start: number;
  end: number;
}

/** The window as a step function: segment i runs from starts[i] to starts[i + 1] (or the window's end). */
export interface Timeline {
  starts: number[];
  levels: Array<Level | undefined>;
}

/** The window and what a limit converts with. */
export interface Window {
  now: number;
  end: number;
  unit: ChargingRateUnit;
  voltage: number;
  defaultPhases: number;
  /** --explain: keep which profiles set each limit (a list per merged level; otherwise not built at all). */
  explain?: boolean;
}

export const DAY = 86_400;
/** An ISO time as whole seconds since the epoch, the calculation's unit of time. */
export const secondsOf = (time: string) => Math.floor(Date.parse(time) / 1000);
/** How often a Recurring profile starts again. */
export const recurrenceOf = (profile: Pick<ChargingProfile, 'recurrency_kind'>) => (profile.recurrency_kind === 'Weekly' ? 7 * DAY : DAY);
/** When the EVSE's active transaction started (a Relative profile starts then), in seconds; undefined: none. */
export function sessionStartOf(station: StationModel, evse: string): number | undefined {
  const transaction = station.transactions.get(evse);
  return transaction === undefined ? undefined : Math.floor(transaction.start.getTime() / 1000);
}

/** What a profile's periods are clipped to: the window's bounds, in seconds. */
export type Span = Pick<Window, 'now' | 'end'>;

/** When a profile's schedule starts, each time it does within the window (libocpp `calculate_start`). */
function scheduleStarts(profile: ChargingProfile, window: Span, sessionStart: number | undefined): number[] {
  const startSchedule = profile.charging_schedule[0]!.start_schedule;
  switch (profile.charging_profile_kind) {
    case 'Absolute':
      // Every held profile has start_schedule (K01.FR.40, checked at set and at --profiles); libocpp's fallbacks still.
      return [startSchedule !== undefined ? secondsOf(startSchedule) : profile.valid_from !== undefined ? secondsOf(profile.valid_from) : window.now];
    case 'Relative':
      return [sessionStart ?? window.now];
    case 'Recurring': {
      if (startSchedule === undefined) return [];
      const every = recurrenceOf(profile);
      const back = (((window.now - secondsOf(startSchedule)) % every) + every) % every;
      const starts: number[] = [];
      for (let start = window.now - back; start < window.end; start += every) starts.push(start);
      return starts;
    }
  }
}

/** K01.FR.49: an AC period without number_phases is 3-phase (libocpp's DEFAULT_AND_MAX_NUMBER_PHASES). */
const CONFORMED_PHASES = 3;

/** A period's limit in its schedule's unit (libocpp `period_entry_t::init`, on a conformed profile), and where it comes from. */
function levelOf(period: ChargingProfile['charging_schedule'][number]['charging_schedule_period'][number], unit: ChargingRateUnit, by: readonly ScheduledProfile[]): Level {
  return unit === 'A' ? { A: period.limit, byA: by, phases: period.number_phases ?? CONFORMED_PHASES } : { W: period.limit, byW: by, phases: period.number_phases ?? CONFORMED_PHASES };
}

/** A profile's periods within the window, in time order (libocpp `calculate_profile_entry`). */
export function profileEntries(held: ScheduledProfile, window: Span, sessionStart?: number): Entry[] {
  const profile = held.charging_profile;
  const by = [held];
  const schedule = profile.charging_schedule[0]!;
  const periods = schedule.charging_schedule_period;
  const validFrom = profile.valid_from === undefined ? -Infinity : secondsOf(profile.valid_from);
  const validTo = profile.valid_to === undefined ? Infinity : secondsOf(profile.valid_to);
  const starts = scheduleStarts(profile, window, sessionStart);
  const entries: Entry[] = [];
  for (const [i, occurrence] of starts.entries()) {
    const stop = Math.min(schedule.duration ?? Infinity, (starts[i + 1] ?? Infinity) - occurrence, validTo - occurrence);
    for (const [j, period] of periods.entries()) {
      const start = Math.max(occurrence + period.start_period, validFrom, window.now);
      const end = Math.min(occurrence + Math.min(periods[j + 1]?.start_period ?? Infinity, stop), window.end);
      if (end > start) entries.push({ start: start - window.now, end: end - window.now, ...levelOf(period, schedule.charging_rate_unit, by) });
    }
  }
  return entries;
}

/**
 * One purpose's schedule: its profiles, highest priority first, each taking the parts of the window that are still
 * free (the gaps no higher one fills). A profile's entries are in time order and never overlap, so each is merged
 * with the gaps in one walk; once no gap is left the lower profiles are not even expanded. That keeps a station of
 * 100 profiles of 1024 periods well inside the 50 ms an answer may take (npm run bench:composite).
 */
function layer(profiles: ReadonlyArray<() => Entry[]>, duration: number): Timeline {
  let gaps: Array<[number, number]> = [[0, duration]];
  const pieces: Entry[] = [];
  for (const entriesOf of profiles) {
    if (gaps.length === 0) break;
    const entries = entriesOf();
    const left: Array<[number, number]> = [];
    let e = 0;
    for (const [from, to] of gaps) {
      let cursor = from;
      while (e < entries.length && entries[e]!.end <= cursor) e++;
      for (; e < entries.length && entries[e]!.start < to; e++) {
        const entry = entries[e]!;
        const start = Math.max(entry.start, cursor);
        const end = Math.min(entry.end, to);
        if (start > cursor) left.push([cursor, start]);
        pieces.push({ ...entry, start, end });
        cursor = end;
        if (entry.end > to) break;
      }
      if (cursor < to) left.push([cursor, to]);
    }
    gaps = left;
  }
  return timelineOf(pieces.sort((a, b) => a.start - b.start), duration);
}

/** Non-overlapping pieces in time order as a timeline, the gaps between them without a level. */
function timelineOf(pieces: readonly Entry[], duration: number): Timeline {
  const timeline: Timeline = { starts: [], levels: [] };
  let at = 0;
  for (const piece of pieces) {
    if (piece.start > at) {
      timeline.starts.push(at);
      timeline.levels.push(undefined);
    }
    timeline.starts.push(piece.start);
    timeline.levels.push(piece);
    at = piece.end;
  }
  if (at < duration || timeline.starts.length === 0) {
    timeline.starts.push(at);
    timeline.levels.push(undefined);
  }
  return timeline;
}

/** Several timelines walked together: `combine` gives each segment's level from theirs at that time. */
function overlay(timelines: readonly Timeline[], duration: number, combine: (levels: Array<Level | undefined>) => Level | undefined): Timeline {
  const at = timelines.map(() => 0);
  const out: Timeline = { starts: [], levels: [] };
  for (let time = 0; time < duration; ) {
    let until = duration;
    const levels = timelines.map((timeline, k) => {
      while (at[k]! + 1 < timeline.starts.length && timeline.starts[at[k]! + 1]! <= time) at[k]!++;
      until = Math.min(until, timeline.starts[at[k]! + 1] ?? duration);
      return timeline.levels[at[k]!];
    });
    out.starts.push(time);
    out.levels.push(combine(levels));
    time = until;
  }
  return out;
}

const BY = { A: 'byA', W: 'byW' } as const;
const concat = <T>(lists: ReadonlyArray<readonly T[] | undefined>): T[] => lists.flatMap((list) => list ?? []);
const phaseCounts = (levels: ReadonlyArray<Level | undefined>) => levels.flatMap((level) => (level?.phases === undefined ? [] : [level.phases]));

/** The base (if any) lowered by the bounds in force, the fewest phases counting (libocpp `merge_profiles_by_lowest_limit`). */
function bounded(base: Level | undefined, bounds: Array<Level | undefined>, explain = false): Level | undefined {
  const inForce = [base, ...bounds].filter((level): level is Level => level !== undefined);
  if (inForce.length <= 1) return inForce[0];
  const folded: Level = {};
  for (const unit of ['A', 'W'] as const) {
    const limits = inForce.filter((level) => level[unit] !== undefined);
    if (limits.length === 0) continue;
    const lowest = Math.min(...limits.map((level) => level[unit]!));
    folded[unit] = lowest;
    // Every profile at the lowest limit sets it: ties name them all.
    if (explain) folded[BY[unit]] = concat(limits.filter((level) => level[unit] === lowest).map((level) => level[BY[unit]]));
  }
  const phases = phaseCounts(inForce);
  if (phases.length) folded.phases = Math.min(...phases);
  return folded;
}

/**
 * The EVSEs' levels added up, an EVSE without a limit in a unit adding the default of that unit, the most phases
 * counting (libocpp `merge_profiles_by_summing_limits`); the profiles that set an EVSE's part set the sum.
 */
function summed(levels: Array<Level | undefined>, defaults: StationModel['defaultLimits'], explain = false): Level {
  const sum: Level = {};
  for (const unit of ['A', 'W'] as const) {
    sum[unit] = levels.reduce((total, level) => total + (level?.[unit] ?? defaults[unit]), 0);
    if (explain) sum[BY[unit]] = concat(levels.map((level) => level?.[BY[unit]]));
  }
  const phases = phaseCounts(levels);
  if (phases.length) sum.phases = Math.max(...phases);
  return sum;
}

export type Purpose = ChargingProfile['charging_profile_purpose'];

/** What --explain reads of a calculation: each purpose's schedule on each EVSE it was computed for ("0": the station's bounds). */
export interface Trace {
  layers: Array<{ evse: string; purpose: Purpose; timeline: Timeline }>;
}

/** The profiles a level names for a purpose's schedule, an EVSE's part or the answer (both units). */
export const sourcesOf = (level: Level | undefined): readonly ScheduledProfile[] => concat([level?.byA, level?.byW]);

/** Only lower what the Tx profiles allow. */
const BOUNDS: readonly Purpose[] = ['ChargingStationMaxProfile', 'ChargingStationExternalConstraints'];

/** The order in which profiles take the window: higher stack level, then the EVSE's own over the station's, then lower id. */
function byPriority(a: ScheduledProfile, b: ScheduledProfile): number {
  const [p, q] = [a.charging_profile, b.charging_profile];
  return q.stack_level - p.stack_level || Number(a.evse_id === STATION_EVSE) - Number(b.evse_id === STATION_EVSE) || p.id - q.id;
}

/** One purpose's schedule from profiles already in priority order (a Relative one from `sessionStart`, else now). */
function purposeLayer(profiles: readonly ScheduledProfile[], purpose: Purpose, window: Window, sessionStart?: number): Timeline {
  const ofPurpose = profiles.filter((p) => p.charging_profile.charging_profile_purpose === purpose);
  return layer(
    ofPurpose.map((p) => () => profileEntries(p, window, sessionStart)),
    window.end - window.now,
  );
}

/**
 * What the EVSE applies, before defaults: per purpose, the profiles for it and for the station (a TxProfile only for
 * its active transaction), layered by priority; then Tx over TxDefault, lowered by the bounds. Without
 * `stationBounds`, the station's own bounds are left for the station's sum (evse "0").
 */
function evseTimeline(held: readonly ScheduledProfile[], evse: string, station: StationModel, window: Window, stationBounds: boolean, trace?: Trace): Timeline {
  const transaction = station.transactions.get(evse);
  const sessionStart = sessionStartOf(station, evse);
  const applies = ({ evse_id, charging_profile: profile }: ScheduledProfile) => {
    const purpose = profile.charging_profile_purpose;
    if (evse_id !== evse && (evse_id !== STATION_EVSE || (!stationBounds && BOUNDS.includes(purpose)))) return false;
    return purpose !== 'TxProfile' || (evse_id === evse && transaction !== undefined && profile.transaction_id === transaction.id);
  };
  const profiles = held.filter(applies).sort(byPriority);
  const purposes: readonly Purpose[] = ['TxProfile', 'TxDefaultProfile', ...BOUNDS];
  const layers = purposes.map((purpose) => purposeLayer(profiles, purpose, window, sessionStart));
  purposes.forEach((purpose, i) => trace?.layers.push({ evse, purpose, timeline: layers[i]! }));
  return overlay(layers, window.end - window.now, ([tx, txDefault, ...bounds]) => bounded(tx ?? txDefault, bounds, window.explain));
}

/** The station as a whole: every EVSE's limits (the defaults where none) added up, then lowered by the station's bounds. */
function stationTimeline(held: readonly ScheduledProfile[], station: StationModel, window: Window, trace?: Trace): Timeline {
  const duration = window.end - window.now;
  const parts = station.evses.map((evse) => evseTimeline(held, evse, station, window, false, trace));
  const sum = overlay(parts, duration, (levels) => summed(levels, station.defaultLimits, window.explain));
  const stationWide = held.filter((p) => p.evse_id === STATION_EVSE).sort(byPriority);
  const bounds = BOUNDS.map((purpose) => purposeLayer(stationWide, purpose, window));
  BOUNDS.forEach((purpose, i) => trace?.layers.push({ evse: STATION_EVSE, purpose, timeline: bounds[i]! }));
  return overlay([sum, ...bounds], duration, ([total, ...limits]) => bounded(total, limits, window.explain));
}

/** Rounded down to 0.1 (OCPP allows one decimal; down, so that a bound is never exceeded). */
const tenths = (limit: number) => Math.floor(limit * 10 + 1e-9) / 10;

/** No profile: the default applies, or nobody asked (no --explain). */
const NOBODY: readonly ScheduledProfile[] = [];

/**
 * A period's limit in the answer's unit: its limit in that unit, lowered by the other unit's converted at supply
 * voltage x its phases (--default-phases where it counts none); the default where nothing limits
 * (libocpp `convert_intermediate_into_schedule`).
 */
function limitOf(level: Level | undefined, window: Window, fallback: number): { limit: number; by: readonly ScheduledProfile[] } {
  if (level === undefined || (level.A === undefined && level.W === undefined)) return { limit: fallback, by: NOBODY };
  const factor = window.voltage * (level.phases ?? window.defaultPhases);
  const inA = level.A === undefined ? Infinity : window.unit === 'A' ? level.A : level.A * factor;
  const inW = level.W === undefined ? Infinity : window.unit === 'W' ? level.W : level.W / factor;
  const limit = Math.min(inA, inW);
  if (!window.explain) return { limit, by: NOBODY };
  // The unit whose limit is the lower names the profiles that set it (both where they tie).
  return { limit, by: concat([inA === limit ? level.byA : undefined, inW === limit ? level.byW : undefined]) };
}

/** An answer's period with the profiles that set its limit (none: the default applies), for --explain. */
export interface ExplainedPeriod {
  period: CompositeSchedulePeriod;
  by: ScheduledProfile[];
}

/** The answer's periods: the default limit (no phase count) where nothing limits, equal neighbours merged (and what set them). */
function periodsOf(timeline: Timeline, window: Window, fallback: number): ExplainedPeriod[] {
  const periods: ExplainedPeriod[] = [];
  for (const [i, level] of timeline.levels.entries()) {
    const { limit, by } = limitOf(level, window, fallback);
    const period: CompositeSchedulePeriod = {
      start_period: timeline.starts[i]!,
      limit: tenths(limit),
      ...(level?.phases === undefined ? {} : { number_of_phases_available: level.phases }),
    };
    const last = periods[periods.length - 1];
    if (last !== undefined && last.period.limit === period.limit && last.period.number_of_phases_available === period.number_of_phases_available) {
      for (const profile of by) if (!last.by.includes(profile)) last.by.push(profile);
    } else periods.push({ period, by: [...new Set(by)] });
  }
  return periods;
}

/** The answer and, for --explain, what set each period and the calculation's purpose schedules. */
export interface Explained {
  answer: CompositeAnswer;
  periods: ExplainedPeriod[];
  trace: Trace;
  window: Window;
}

/** The station's answer to get_composite_schedule: the schedule from now (whole seconds) over the duration asked. */
export function compositeSchedule(held: readonly ScheduledProfile[], request: CompositeRequest, station: StationModel): CompositeAnswer {
  return computeSchedule(held, request, station).answer;
}

/** The answer with what --explain reads of it (core/explain.ts words it). */
export function explainedSchedule(held: readonly ScheduledProfile[], request: CompositeRequest, station: StationModel): Explained {
  return computeSchedule(held, request, station, { layers: [] });
}

function computeSchedule(held: readonly ScheduledProfile[], request: CompositeRequest, station: StationModel, trace?: Trace): Explained {
  const now = Math.floor(station.now.getTime() / 1000);
  const unit = request.charging_rate_unit ?? 'A';
  const window: Window = { now, end: now + request.duration, unit, voltage: station.supplyVoltage, defaultPhases: station.defaultPhases, explain: trace !== undefined };
  if (request.evse_id !== STATION_EVSE && !station.evses.includes(request.evse_id)) {
    const answer = { status: 'Rejected', status_info: { reason_code: 'InvalidValue', additional_info: 'EvseDoesNotExist' } } as const;
    return { answer, periods: [], trace: { layers: [] }, window };
  }
  const timeline =
    request.evse_id === STATION_EVSE ? stationTimeline(held, station, window, trace) : evseTimeline(held, request.evse_id, station, window, true, trace);
  const periods = periodsOf(timeline, window, station.defaultLimits[unit]);
  const schedule = {
    evse_id: request.evse_id,
    duration: request.duration,
    schedule_start: wholeSecondsUtc(station.now),
    charging_rate_unit: unit,
    charging_schedule_period: periods.map(({ period }) => period) as CompositeSchedule['charging_schedule_period'],
  };
  return { answer: { status: 'Accepted', schedule }, periods, trace: trace ?? { layers: [] }, window };
}
