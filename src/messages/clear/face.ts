/**
 * `scp clear` as its command shows it before anything of the message is loaded: its options, help, samples and what
 * its exits mean. The registry (messages/index.ts) builds the command from this, and loads the entry (index.ts)
 * only when the command runs.
 */
import { PURPOSES } from '../../core/fields.js';
import type { OptionsOf } from '../../options.js';
import { requestOptions, type MessageCommand } from '../kind.js';

/** `scp clear`'s own options: the selector (what to clear), then those of every message command. */
export const CLEAR_OPTIONS = [
  { key: 'id', command: 'clear', flags: '--id <n>', description: 'charging profile id to clear (0 to 2147483647)', group: 'send', selects: true },
  { key: 'evse', command: 'clear', flags: '--evse <evse_id>', description: 'only profiles of this EVSE, exactly as the station names it, e.g. GB*SEV*123', group: 'send', selects: true },
  { key: 'purpose', command: 'clear', flags: '--purpose <purpose>', description: 'only profiles with this purpose: ChargingStationExternalConstraints, ChargingStationMaxProfile, TxDefaultProfile or TxProfile', group: 'send', selects: true, complete: PURPOSES },
  { key: 'stackLevel', command: 'clear', flags: '--stack-level <n>', description: 'only profiles at this stack level (0 or more)', group: 'send', selects: true },
  ...requestOptions('clear', 'clear one request per line of this file (- for stdin): a profile id, or a JSON object shaped like the request\'s data'),
] as const;

export type ClearOptions = OptionsOf<typeof CLEAR_OPTIONS>;

const CLEAR_HELP = `
Give --id, or any of --evse, --purpose and --stack-level (they must all match); not both.
With none of them on a terminal, scp asks what to clear, shows the request and asks to confirm (--yes skips that);
in a script, a pipe, with --no-input or when CI is set it never asks, and fails with exit 2 instead.
Or give --input: one request per line, all over one connection, one result per line (blank and # lines skipped);
the exit status is then the most severe outcome: 5 > 4 > 3 > 2 (invalid input) > 1 > 0.

Examples:
  scp clear --id 1
  scp clear --evse 'GB*SEV*123' --purpose TxProfile
  scp clear --id 7 --json | jq -r .outcome
  seq 1 100 | scp clear --input - --json | jq -c '[.line, .outcome]'`;

export const clearFace = {
  command: 'clear',
  summary: 'clear charging profiles by id or by criteria, and report the service\'s answer',
  help: CLEAR_HELP,
  options: CLEAR_OPTIONS,
  samples: { send: [['--id', '1'], ['--evse', 'GB*SEV*E002', '--purpose', 'TxProfile']], bad: ['--id', 'x'] },
  outcomes: { accepted: 'accepted: the service cleared at least one profile', other: 'unknown: the service found nothing to clear' },
  changes: true,
} as const satisfies MessageCommand;
