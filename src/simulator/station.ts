/**
 * The simulated station besides its profiles, from `scp simulate`'s flags: its EVSEs, clock, transactions and the
 * electrical defaults a composite schedule needs (a real station keeps them in its device model: libocpp's
 * SupplyVoltage, CompositeScheduleDefaultLimitAmps/Watts, CompositeScheduleDefaultNumberPhases). Pure: each flag
 * parsed once, with a one-line refusal naming it.
 */
import { UsageError } from '../core/errors.js';
import { STATION_EVSE, type StationModel, type Transaction } from '../core/composite.js';
import { DEFAULT_LIMITS } from '../core/profile.js';
import type { StationSettings } from '../options.js';

export type { StationSettings };

export interface StationConfig {
  /** A fixed simulated now, or undefined: the real clock. */
  clock?: Date;
  /** "1".."n" from --evses; undefined: the EVSEs the held profiles and transactions name. */
  evses?: readonly string[];
  /** By EVSE: the transaction and, if given, when it started (else when the simulator did). */
  transactions: ReadonlyMap<string, { id: string; start?: Date }>;
  supplyVoltage: number;
  defaultLimits: { A: number; W: number };
  defaultPhases: number;
}


/** At most one transaction per EVSE, each on an EVSE the station has (with --evses). */
function transactionsOn(given: StationSettings['transaction'], evses: readonly string[] | undefined): Map<string, { id: string; start?: Date }> {
  const transactions = new Map<string, { id: string; start?: Date }>();
  for (const { raw, evse, id, start } of given) {
    if (evses && !evses.includes(evse)) throw new UsageError(`--transaction: ${JSON.stringify(raw)}: EVSE ${JSON.stringify(evse)} is not one of the station's (1 to ${evses.length}, from --evses)`);
    if (transactions.has(evse)) throw new UsageError(`--transaction: EVSE ${JSON.stringify(evse)} is given twice; an EVSE has at most one active transaction`);
    transactions.set(evse, { id, ...(start === undefined ? {} : { start }) });
  }
  return transactions;
}

/** One default limit in A and one in W, each at most once; the other keeps its default. */
function defaultLimitsOf(given: StationSettings['defaultLimit']): { A: number; W: number } {
  const limits: { A: number; W: number } = { ...DEFAULT_LIMITS };
  const seen = new Set<string>();
  for (const { raw, unit, limit } of given) {
    if (seen.has(unit)) throw new UsageError(`--default-limit: ${JSON.stringify(raw)}: a default in ${unit} is already given; give at most one in A and one in W`);
    seen.add(unit);
    limits[unit] = limit;
  }
  return limits;
}

export function stationConfig(settings: StationSettings): StationConfig {
  const evses = settings.evses === undefined ? undefined : Array.from({ length: settings.evses }, (_, i) => String(i + 1));
  return {
    ...(settings.clock === undefined ? {} : { clock: settings.clock }),
    ...(evses ? { evses } : {}),
    transactions: transactionsOn(settings.transaction, evses),
    supplyVoltage: settings.supplyVoltage,
    defaultLimits: defaultLimitsOf(settings.defaultLimit),
    defaultPhases: settings.defaultPhases,
  };
}

/**
 * The station's EVSEs, fixed when it starts as a station's are: --evses "1".."n", else those its starting profiles
 * and transactions name, in the order first named. A set_charging_profile for another EVSE is refused
 * (EvseDoesNotExist, as libocpp does), and clearing every profile of an EVSE does not take the EVSE away.
 */
export function withEvses(config: StationConfig, profiles: ReadonlyArray<{ evse_id: string }>): StationConfig {
  if (config.evses) return config;
  const named = new Set<string>();
  for (const profile of profiles) if (profile.evse_id !== STATION_EVSE) named.add(profile.evse_id);
  for (const evse of config.transactions.keys()) named.add(evse);
  return { ...config, evses: [...named] };
}

/** The station at `now`: a transaction without a start began when the simulator did (`startedAt`). */
export function stationAt(config: StationConfig, profiles: ReadonlyArray<{ evse_id: string }>, now: Date, startedAt: Date): StationModel {
  const { evses } = withEvses(config, profiles);
  const transactions = new Map<string, Transaction>();
  for (const [evse, { id, start }] of config.transactions) transactions.set(evse, { id, start: start ?? startedAt });
  return {
    now,
    evses: evses!,
    transactions,
    supplyVoltage: config.supplyVoltage,
    defaultLimits: config.defaultLimits,
    defaultPhases: config.defaultPhases,
  };
}
