/**
 * The simulated station besides its profiles, from `scp simulate`'s flags: its EVSEs, clock, transactions and the
 * electrical defaults a composite schedule needs (a real station keeps them in its device model: libocpp's
 * SupplyVoltage, CompositeScheduleDefaultLimitAmps/Watts, CompositeScheduleDefaultNumberPhases). Pure: each flag
 * parsed once, with a one-line refusal naming it.
 */
import { UsageError } from '../core/errors.js';
import { checkEvse, parseLimit, parseTime, wholeNumber } from '../core/fields.js';
import { STATION_EVSE, type StationModel, type Transaction } from '../core/composite.js';
import { DEFAULT_LIMITS } from '../core/profile.js';

export interface StationFlags {
  evses?: string;
  clock?: string;
  transaction?: readonly string[];
  supplyVoltage: string;
  defaultLimit?: readonly string[];
  defaultPhases: string;
}

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


const MAX_EVSES = 10_000;

/** `<evse>=<transaction_id>[@<ISO start>]`, at most one per EVSE. */
function parseTransactions(raws: readonly string[], evses: readonly string[] | undefined): Map<string, { id: string; start?: Date }> {
  const transactions = new Map<string, { id: string; start?: Date }>();
  for (const raw of raws) {
    const match = /^([^=]+)=([^@]{1,36})(?:@(.*))?$/.exec(raw);
    if (!match) throw new UsageError(`--transaction: ${JSON.stringify(raw)} is not allowed; expected <evse>=<transaction_id>[@<ISO start>], e.g. 1=TX-42@2026-12-01T17:30:00Z (an id of 1 to 36 characters)`);
    const [, evse, id, start] = match as unknown as [string, string, string, string | undefined];
    checkEvse('--transaction', evse);
    if (evse === STATION_EVSE) throw new UsageError(`--transaction: ${JSON.stringify(raw)}: a transaction is on an EVSE, not on the station ("0")`);
    if (evses && !evses.includes(evse)) throw new UsageError(`--transaction: ${JSON.stringify(raw)}: EVSE ${JSON.stringify(evse)} is not one of the station's (1 to ${evses.length}, from --evses)`);
    if (transactions.has(evse)) throw new UsageError(`--transaction: EVSE ${JSON.stringify(evse)} is given twice; an EVSE has at most one active transaction`);
    transactions.set(evse, { id, ...(start === undefined ? {} : { start: new Date(parseTime('--transaction', start)) }) });
  }
  return transactions;
}

/** One default limit in A and one in W, each at most once; the other keeps its default. */
function parseDefaultLimits(raws: readonly string[]): { A: number; W: number } {
  const limits: { A: number; W: number } = { ...DEFAULT_LIMITS };
  const seen = new Set<string>();
  for (const raw of raws) {
    const { unit, limit } = parseLimit(raw, '--default-limit');
    if (seen.has(unit)) throw new UsageError(`--default-limit: ${JSON.stringify(raw)}: a default in ${unit} is already given; give at most one in A and one in W`);
    seen.add(unit);
    limits[unit] = limit;
  }
  return limits;
}

export function parseStationFlags(flags: StationFlags): StationConfig {
  const evses = flags.evses === undefined ? undefined : Array.from({ length: wholeNumber('--evses', flags.evses, 1, MAX_EVSES) }, (_, i) => String(i + 1));
  const voltage = /^[0-9]+(\.[0-9]+)?$/.test(flags.supplyVoltage) ? Number(flags.supplyVoltage) : NaN;
  if (!(voltage > 0 && voltage <= 100_000)) throw new UsageError(`--supply-voltage: ${JSON.stringify(flags.supplyVoltage)} is not allowed; expected volts above 0, e.g. 230`);
  return {
    ...(flags.clock === undefined ? {} : { clock: new Date(parseTime('--clock', flags.clock)) }),
    ...(evses ? { evses } : {}),
    transactions: parseTransactions(flags.transaction ?? [], evses),
    supplyVoltage: voltage,
    defaultLimits: parseDefaultLimits(flags.defaultLimit ?? []),
    defaultPhases: wholeNumber('--default-phases', flags.defaultPhases, 1, 3),
  };
}

/**
 * The station at `now`: without --evses its EVSEs are those its profiles and transactions name (so an EVSE a
 * profile was just installed for is known), in the order first named; a transaction without a start began when the
 * simulator did (`startedAt`).
 */
export function stationAt(config: StationConfig, profiles: ReadonlyArray<{ evse_id: string }>, now: Date, startedAt: Date): StationModel {
  const named = new Set<string>();
  if (!config.evses) {
    for (const profile of profiles) if (profile.evse_id !== STATION_EVSE) named.add(profile.evse_id);
    for (const evse of config.transactions.keys()) named.add(evse);
  }
  const transactions = new Map<string, Transaction>();
  for (const [evse, { id, start }] of config.transactions) transactions.set(evse, { id, start: start ?? startedAt });
  return {
    now,
    evses: config.evses ?? [...named],
    transactions,
    supplyVoltage: config.supplyVoltage,
    defaultLimits: config.defaultLimits,
    defaultPhases: config.defaultPhases,
  };
}
