/**
 * `scp set` as its command shows it before anything of the message is loaded: its options, help, samples and what its
 * exits mean. The registry builds the command from this, and loads the entry (index.ts) only when it runs.
 */
import { PURPOSES } from '../../core/fields.js';
import type { OptionsOf } from '../../options.js';
import { requestOptions, type MessageCommand } from '../kind.js';

/** What a profile built from flags has where a flag is not given. */
export const SET_DEFAULTS = { purpose: 'TxDefaultProfile', stackLevel: '0' } as const;

/** `scp set`'s own options: the profile (from a file or from flags), then those of every message command. */
export const SET_OPTIONS = [
  { key: 'file', command: 'set', flags: '--file <path>', description: 'install the ChargingProfile, or the request data {evse_id?, charging_profile}, in this JSON file (- for stdin)', group: 'send', selects: true, complete: 'file' },
  { key: 'id', command: 'set', flags: '--id <n>', description: 'the profile id (0 to 2147483647); a profile with this id is replaced', group: 'send', selects: true },
  { key: 'limit', command: 'set', flags: '--limit <limit>', description: 'the limit with its unit: 16A, 7400W or 7.4kW (kW is sent as W)', group: 'send', selects: true },
  { key: 'evse', command: 'set', flags: '--evse <evse_id>', description: 'the EVSE, exactly as the station names it; none: the whole station', group: 'send', selects: true },
  // Completion offers the four purposes, as for clear's --purpose (one completion per flag name); K01 says why one is refused.
  { key: 'purpose', command: 'set', flags: '--purpose <purpose>', description: `${PURPOSES.slice(1).join(', ')} (default: ${SET_DEFAULTS.purpose})`, group: 'send', selects: true, complete: PURPOSES },
  { key: 'stackLevel', command: 'set', flags: '--stack-level <n>', description: 'higher wins within a purpose (default: 0)', group: 'send', selects: true },
  { key: 'start', command: 'set', flags: '--start <time>', description: 'when the schedule starts, ISO 8601 with a zone (default: now, whole seconds, UTC)', group: 'send', selects: true },
  { key: 'duration', command: 'set', flags: '--duration <duration>', description: 'how long the schedule lasts: seconds, or 30m, 2h, 1d (default: until the profile ends)', group: 'send', selects: true },
  { key: 'recurring', command: 'set', flags: '--recurring <daily|weekly>', description: 'repeat the schedule daily or weekly from --start', group: 'send', selects: true, complete: ['daily', 'weekly'] },
  { key: 'relative', command: 'set', flags: '--relative', description: 'the schedule starts with each transaction, not at a time', group: 'send', selects: true },
  { key: 'transaction', command: 'set', flags: '--transaction <id>', description: 'the transaction a TxProfile belongs to', group: 'send', selects: true },
  { key: 'phases', command: 'set', flags: '--phases <1|2|3>', description: 'the number of phases to charge on', group: 'send', selects: true, complete: ['1', '2', '3'] },
  { key: 'validFrom', command: 'set', flags: '--valid-from <time>', description: 'the profile applies from this time (ISO 8601 with a zone)', group: 'send', selects: true },
  { key: 'validTo', command: 'set', flags: '--valid-to <time>', description: 'the profile applies until this time (ISO 8601 with a zone)', group: 'send', selects: true },
  { key: 'verify', command: 'set', flags: '--verify', description: 'once accepted, ask for the composite schedule of the EVSE over the profile\'s window and say whether the profile is in force (exit 1 if something else limits it)', default: false, group: 'send' },
  ...requestOptions('set', 'install one profile per line of this file (- for stdin): a JSON object shaped like the request\'s data'),
] as const;

export type SetOptions = OptionsOf<typeof SET_OPTIONS>;

const SET_HELP = `
Give --file, or --id and --limit for one schedule with one period (kind Absolute from --start, unless --recurring
or --relative). Checked before anything is sent: the schema and OCPP 2.0.1 K01 (no ChargingStationExternalConstraints;
a TxProfile needs --transaction and --evse; a ChargingStationMaxProfile is station-wide; start, recurrency and
periods as the kind requires). With none of them on a terminal, scp asks; in a script it fails with exit 2.
Or give --input: one request data object per line, all over one connection, one result per line.

The station checks more (an EVSE it has, a TxProfile's transaction, one profile per stack level in force at a time):
its refusal is exit 1, with its reason shown. Accepted is not in force: with --verify, scp then asks for the EVSE's
composite schedule over the profile's window and exits 1 (not_in_force), saying where, when something else limits
it (scp schedule --offline --explain says why).

Examples (each accepted by the station of scp simulate):
  scp set --evse 'GB*SEV*E003' --id 70 --limit 11kW --stack-level 3
  scp set --evse 'GB*SEV*E002' --id 80 --limit 16A --stack-level 1 --start 2026-12-01T18:00:00Z --duration 3h
  scp set --id 60 --purpose ChargingStationMaxProfile --stack-level 1 --limit 40kW --recurring daily --start 2026-12-01T00:00:00Z
  scp set --evse 'GB*SEV*E001' --file profile.json --json | jq -r .outcome`;

export const setFace = {
  command: 'set',
  summary: 'install a charging profile (from flags or a file), and report the service\'s answer',
  help: SET_HELP,
  samples: {
    send: [
      ['--evse', 'GB*SEV*E002', '--id', '70', '--limit', '11kW', '--stack-level', '1'],
      ['--id', '71', '--limit', '16A', '--stack-level', '4', '--start', '2026-12-01T18:00:00Z', '--duration', '2h'],
    ],
    bad: ['--id', '70', '--limit', '11'],
  },
  outcomes: { accepted: 'accepted: the service installed the profile (with --verify: and it is in force)', other: 'rejected: the service refused it (see status_info); with --verify, not_in_force: accepted, but something else limits the EVSE' },
  changes: true,
  options: SET_OPTIONS,
} as const satisfies MessageCommand;
