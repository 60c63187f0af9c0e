/**
 * set_charging_profile (OCPP 2.0.1 K01, SetChargingProfile): `scp set`. The profile comes from a file (`--file`, a
 * ChargingProfile or a whole request `data`) or, for the everyday case, from flags that build one schedule with one
 * period. Checked against the schema and the K01 rules a CSMS applies before anything is sent; the simulator's
 * station applies the same rules and stores what it accepts.
 */
import { parseJson } from '../../core/json.js';
import { UsageError } from '../../core/errors.js';
import type {
  ChargingProfile as FullChargingProfile,
  SetChargingProfileRequest,
  SetChargingProfileRequestData,
  SetChargingProfileResponse,
} from '../../core/generated/types.js';
import { validateRequest as validateSetRequest, validateResponse as validateSetResponse } from '../../core/generated/validators/set_charging_profile.js';
import { PURPOSES, checkEvse, notOneOf, rateUnitsInAnyCase, parseDuration, parseLimit, parseTime, wholeNumber, wholeSecondsUtc } from '../../core/fields.js';
import { checkFieldsWith, checkWith } from '../../core/validate.js';
import { longFlag, type OptionSpec } from '../../options.js';
import type { HeldProfile } from '../../core/profile.js';
import type { MessageKind } from '../kind.js';
import type { SetInput } from './input.js';
import { SET_DEFAULTS, SET_OPTIONS, setFace, type SetOptions } from './face.js';

export type { SetInput };

/** A ChargingProfile, or a whole request data object, from --file; --evse supplies or overrides evse_id. */
function dataFromFile(input: SetInput): SetChargingProfileRequestData {
  const beside = PROFILE_FLAGS.find(([key]) => input[key] !== undefined);
  if (beside) throw new UsageError(`--file: cannot be combined with ${beside[1]}; the profile comes from the file (only --evse may go with it)`);
  const read = parseJson(input.fileText ?? '');
  if (!read.ok) throw new UsageError(`--file: ${JSON.stringify(input.file)} is ${read.problem}`);
  const parsed = rateUnitsInAnyCase(read.value);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--file: ${JSON.stringify(input.file)} holds no JSON object; expected a ChargingProfile or {evse_id?, charging_profile}`);
  }
  const data = ('charging_profile' in parsed ? { ...parsed } : { charging_profile: parsed }) as SetChargingProfileRequestData;
  if (input.evse !== undefined) data.evse_id = input.evse;
  return data;
}

/** The schedule's kind and when it starts: Absolute from --start (default now), Recurring, or Relative. */
function scheduleTiming(input: SetInput) {
  if (input.relative && input.recurring !== undefined) throw new UsageError('--relative: cannot be combined with --recurring; a relative schedule starts with each transaction');
  if (input.relative && input.start !== undefined) throw new UsageError('--relative: cannot be combined with --start; a relative schedule starts with each transaction');
  if (input.relative) return { kind: 'Relative' as const };
  const start = input.start === undefined ? wholeSecondsUtc(input.now) : parseTime('--start', input.start);
  if (input.recurring === undefined) return { kind: 'Absolute' as const, start };
  if (input.recurring !== 'daily' && input.recurring !== 'weekly') {
    throw notOneOf('--recurring', input.recurring, ['daily', 'weekly'], 'daily or weekly');
  }
  return { kind: 'Recurring' as const, start, recurrency: input.recurring === 'daily' ? ('Daily' as const) : ('Weekly' as const) };
}

/** --purpose and --evse in the flags' words (the schema would speak of /data/...). */
function checkNames(input: SetInput): void {
  if (input.purpose !== undefined && !(PURPOSES as readonly string[]).includes(input.purpose)) {
    throw notOneOf('--purpose', input.purpose, PURPOSES);
  }
  if (input.evse !== undefined) checkEvse('--evse', input.evse);
}

/** One schedule with one period from 0, from the flags; --id and --limit are required. */
function dataFromFlags(input: SetInput): SetChargingProfileRequestData {
  if (input.id === undefined) throw new UsageError('--id: required with --limit (the profile id; one with the same id is replaced); or give --file');
  if (input.limit === undefined) throw new UsageError('--limit: required with --id (e.g. 16A, 7400W or 7.4kW); or give --file');
  const { unit, limit } = parseLimit(input.limit);
  const timing = scheduleTiming(input);
  const period = { start_period: 0, limit, ...(input.phases === undefined ? {} : { number_phases: wholeNumber('--phases', input.phases, 1, 3, '1, 2 or 3') }) };
  const schedule: FullChargingProfile['charging_schedule'][number] = {
    id: 1,
    ...(timing.kind === 'Relative' ? {} : { start_schedule: timing.start }),
    ...(input.duration === undefined ? {} : { duration: parseDuration(input.duration) }),
    charging_rate_unit: unit,
    charging_schedule_period: [period] as [typeof period],
  };
  const profile: FullChargingProfile = {
    id: wholeNumber('--id', input.id, 0, 2147483647),
    stack_level: wholeNumber('--stack-level', input.stackLevel ?? SET_DEFAULTS.stackLevel, 0, 2147483647),
    charging_profile_purpose: (input.purpose ?? SET_DEFAULTS.purpose) as FullChargingProfile['charging_profile_purpose'],
    charging_profile_kind: timing.kind,
    ...(timing.kind === 'Recurring' ? { recurrency_kind: timing.recurrency } : {}),
    ...(input.validFrom === undefined ? {} : { valid_from: parseTime('--valid-from', input.validFrom) }),
    ...(input.validTo === undefined ? {} : { valid_to: parseTime('--valid-to', input.validTo) }),
    ...(input.transaction === undefined ? {} : { transaction_id: input.transaction }),
    charging_schedule: [schedule],
  };
  return { ...(input.evse === undefined ? {} : { evse_id: input.evse }), charging_profile: profile };
}

export function buildSetData(input: SetInput): SetChargingProfileRequestData {
  checkNames(input);
  return input.file !== undefined ? dataFromFile(input) : dataFromFlags(input);
}

/** How a rule names what is wrong: the field, and for an operator typing flags, the flag that sets it. */
const name = (field: string, flag: string | undefined, words: 'flags' | 'fields') => (words === 'flags' && flag ? `${field} (${flag})` : field);

/** K01 for the profile as a whole: purpose, transaction, EVSE and validity. */
function profileRules(data: SetChargingProfileRequestData, words: 'flags' | 'fields'): string | undefined {
  const profile = data.charging_profile;
  const purpose = profile.charging_profile_purpose;
  const at = (field: string, flag?: string) => name(`charging_profile.${field}`, flag, words);
  // OCPP 2.0.1 K01: ChargingStationExternalConstraints are set by an external system (e.g. an energy management
  // system), never by the CSMS; a station answers Rejected.
  if (purpose === 'ChargingStationExternalConstraints') return `${at('charging_profile_purpose', '--purpose')}: ChargingStationExternalConstraints cannot be set; those limits come from an external system`;
  // A TxProfile belongs to one transaction on one EVSE: a CSMS sends it with the transaction id and the EVSE (K01).
  if (purpose === 'TxProfile' && profile.transaction_id === undefined) return `${at('transaction_id', '--transaction')}: required for a TxProfile, which belongs to one transaction`;
  if (purpose === 'TxProfile' && data.evse_id === undefined) return `${name('evse_id', '--evse', words)}: required for a TxProfile, which applies to the EVSE of its transaction`;
  if (purpose !== 'TxProfile' && profile.transaction_id !== undefined) return `${at('transaction_id', '--transaction')}: only a TxProfile belongs to a transaction, not a ${purpose}`;
  // ChargingStationMaxProfile limits the station as a whole (OCPP's EVSE 0): here, no evse_id.
  if (purpose === 'ChargingStationMaxProfile' && data.evse_id !== undefined) return `${name('evse_id', '--evse', words)}: not allowed for a ChargingStationMaxProfile, which limits the whole station; leave it out`;
  if (profile.valid_from !== undefined && profile.valid_to !== undefined && Date.parse(profile.valid_from) >= Date.parse(profile.valid_to)) {
    return `${at('valid_to', '--valid-to')}: ${profile.valid_to} is not after valid_from ${profile.valid_from}`;
  }
  const recurring = profile.charging_profile_kind === 'Recurring';
  if (recurring !== (profile.recurrency_kind !== undefined)) {
    return recurring
      ? `${at('recurrency_kind', '--recurring')}: required for a Recurring profile (Daily or Weekly)`
      : `${at('recurrency_kind')}: only a Recurring profile has one, not an ${profile.charging_profile_kind} one`;
  }
  return undefined;
}

/**
 * A limit with more than one decimal (OCPP 2.0.1 ChargingSchedulePeriodType.limit: "Accepts at most one digit
 * fraction (e.g. 8.1)"): the two nearest that OCPP allows, as a hint; undefined for a limit that is fine.
 */
function oneDecimal(limit: number): string | undefined {
  if (Math.abs(limit * 10 - Math.round(limit * 10)) < 1e-6) return undefined;
  const below = Math.floor(limit * 10) / 10;
  return `${below} or ${Math.round((below + 0.1) * 10) / 10}`;
}

/** Every period's limit carries at most one decimal: the first that does not. Also for --profiles files. */
export function limitsRule(data: SetChargingProfileRequestData, words: 'flags' | 'fields'): string | undefined {
  for (const [i, schedule] of data.charging_profile.charging_schedule.entries()) {
    for (const [j, period] of schedule.charging_schedule_period.entries()) {
      const tenths = oneDecimal(period.limit);
      const at = name(`charging_profile.charging_schedule[${i}].charging_schedule_period[${j}].limit`, '--limit', words);
      if (tenths !== undefined) return `${at}: ${period.limit} has more than one decimal; OCPP 2.0.1 limits carry at most one (${tenths})`;
    }
  }
  return undefined;
}

/** K01 for each schedule: its start as the kind needs, periods from 0 and strictly increasing, phases, one decimal. */
function scheduleRules(data: SetChargingProfileRequestData, words: 'flags' | 'fields'): string | undefined {
  const kind = data.charging_profile.charging_profile_kind;
  for (const [i, schedule] of data.charging_profile.charging_schedule.entries()) {
    const at = (field: string, flag?: string) => name(`charging_profile.charging_schedule[${i}].${field}`, flag, words);
    if (kind === 'Relative' && schedule.start_schedule !== undefined) return `${at('start_schedule', '--start')}: not allowed for a Relative profile, which starts with each transaction`;
    if (kind !== 'Relative' && schedule.start_schedule === undefined) return `${at('start_schedule', '--start')}: required for an ${kind} profile`;
    const periods = schedule.charging_schedule_period;
    if (periods[0]!.start_period !== 0) return `${at('charging_schedule_period[0].start_period')}: the first period starts at 0, not ${periods[0]!.start_period}`;
    for (const [j, period] of periods.entries()) {
      if (j > 0 && period.start_period <= periods[j - 1]!.start_period) {
        return `${at(`charging_schedule_period[${j}].start_period`)}: ${period.start_period} is not after the period before it (${periods[j - 1]!.start_period})`;
      }
      if (period.phase_to_use !== undefined && period.number_phases !== 1) {
        return `${at(`charging_schedule_period[${j}].phase_to_use`)}: only with number_phases 1 (one phase to choose from)`;
      }
    }
  }
  return undefined;
}

/** The OCPP 2.0.1 K01 rules a CSMS checks before sending, and a station before installing; the first broken one. */
export function setRules(data: SetChargingProfileRequestData, words: 'flags' | 'fields'): string | undefined {
  return profileRules(data, words) ?? scheduleRules(data, words) ?? limitsRule(data, words);
}

/** The flags that build the profile, which --file cannot go with: set's rows that say what to send, but the file
 * itself and --evse (which may name the EVSE for a file's profile). */
const PROFILE_FLAGS = SET_OPTIONS.filter((spec: OptionSpec) => spec.selects && spec.key !== 'file' && spec.key !== 'evse').map((spec) => [spec.key as keyof SetInput, longFlag(spec)!] as const);

/** A request in few words: `id=7 evse_id=3 TxDefaultProfile 11000 W`. */
export function describeSet(data: SetChargingProfileRequestData): string {
  const profile = data.charging_profile;
  const first = profile.charging_schedule[0];
  const limit = first?.charging_schedule_period[0];
  const where = data.evse_id === undefined ? 'station' : `evse_id=${data.evse_id}`;
  const what = limit === undefined ? '' : ` ${limit.limit} ${first!.charging_rate_unit}`;
  return `id=${profile.id} ${where} ${profile.charging_profile_purpose}${what}`;
}

/** The stored form of an installed profile: what clear selects on, with the whole profile kept beside it. */
export function storedProfile(data: SetChargingProfileRequestData): HeldProfile & { charging_profile: FullChargingProfile } {
  const profile = data.charging_profile;
  return {
    id: profile.id,
    // The service's station-wide EVSE is "0", as clear's criteria name it.
    evse_id: data.evse_id ?? '0',
    charging_profile_purpose: profile.charging_profile_purpose,
    stack_level: profile.stack_level,
    charging_profile: profile,
  };
}

/** The registry's entry for set_charging_profile. */
export const set: MessageKind<SetChargingProfileRequest, SetChargingProfileResponse, SetInput, SetOptions> = {
  ...setFace,
  name: 'set_charging_profile',
  nothingDone: 'installed nothing',
  inputOf: (options, context) => ({ ...options, now: context.now, fileText: context.files?.file }),
  nothingToSend: (reason) =>
    `nothing to set: give --id <n> and --limit <16A|7400W|7.4kW>, or --file <path>, or --input <file> (not asking, since ${reason})`,
  ask: async (streams, warn) => (await import('./prompts.js')).askProfile(set, streams, warn),
  confirmation: (request) =>
    request.data.evse_id === undefined
      ? { message: 'No EVSE is named, so this profile applies to the whole station. Send it?', yes: false }
      : { message: 'Send it?', yes: true },
  buildData: buildSetData,
  // In the fields' words for flags too: a profile from a file or an input line is named by its fields.
  checkRequest: checkFieldsWith<SetChargingProfileRequest>(validateSetRequest),
  checkRequestOnWire: checkWith<SetChargingProfileRequest>(validateSetRequest),
  checkRequestFields: checkFieldsWith<SetChargingProfileRequest>(validateSetRequest),
  checkResponse: checkWith<SetChargingProfileResponse>(validateSetResponse),
  rules: setRules,
  warnings: () => [],
  shorthand: () => undefined,
  lineHint: 'expected a JSON object like {"evse_id": "3", "charging_profile": {...}}',
  describe: describeSet,
  summarize: (response) => ({
    outcome: response.data.status,
    status: response.data.status,
    ...(response.data.status_info ? { info: response.data.status_info } : {}),
  }),
  // --verify: is the accepted profile in force? (verify.ts, loaded only then)
  verify: async () => (await import('./verify.js')).setVerifier,
};
