/**
 * A profile the station holds, the one name for it wherever it is kept or read: the simulator's station, the
 * messages' `decide`, `scp simulate --profiles`, and the composite calculation. Pure types.
 */
import type { ChargingProfile, SimulatedChargingProfile } from './generated/types.js';

/** What clear selects on (id, EVSE, purpose, stack level; "0": the station as a whole), and the whole profile where
 * one was installed or built in (a `--profiles` entry may give only the first four, for clear). */
export type HeldProfile = SimulatedChargingProfile & { charging_profile?: ChargingProfile };

/** The part of a held profile the composite calculation reads: its EVSE and its whole profile. */
export type ScheduledProfile = Pick<HeldProfile, 'evse_id'> & { charging_profile: ChargingProfile };

/** The profiles held whole, as the composite calculation reads them (an entry of --profiles for clear only has no schedule). */
export const scheduledProfiles = (held: readonly HeldProfile[]): ScheduledProfile[] =>
  held.flatMap(({ evse_id, charging_profile }) => (charging_profile ? [{ evse_id, charging_profile }] : []));

/** Where no profile limits, libocpp's defaults (DEFAULT_LIMIT_AMPS 48, DEFAULT_LIMIT_WATTS 33120): the simulator's
 * --default-limit starts from them. Its --supply-voltage (230, libocpp's LOW_VOLTAGE) and --default-phases (3)
 * defaults are the option table's own (options.ts), written nowhere else. */
export const DEFAULT_LIMITS = { A: 48, W: 33120 } as const;
