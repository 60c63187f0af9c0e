/**
 * `scp schedule` as its command shows it before anything of the message is loaded: its options, help, samples and
 * what its exits mean. The registry builds the command from this, and loads the entry (index.ts) only when it runs.
 */
import { stationOptions, type OptionsOf } from '../../options.js';
import { questionOptions, type MessageCommand } from '../kind.js';

/** A day: the window an operator most often asks about ("what happens until this time tomorrow?"). */
export const DEFAULT_DURATION = '1d';

/** `scp schedule`'s own options: the EVSE (what to ask about), the window, the unit, the chart. */
export const SCHEDULE_OPTIONS = [
  { key: 'evse', command: 'schedule', flags: '--evse <evse_id>', description: 'the EVSE, exactly as the station names it; 0 for the whole station; repeat it to ask several (one request each)', group: 'send', selects: true, repeatable: true },
  { key: 'duration', command: 'schedule', flags: '--duration <duration>', description: 'the window from now: seconds, or 30m, 2h, 1d', default: DEFAULT_DURATION, group: 'send' },
  { key: 'unit', command: 'schedule', flags: '--unit <A|W>', description: 'the unit of the answer (default: the station\'s choice)', group: 'send', complete: ['A', 'W'] },
  { key: 'chart', command: 'schedule', flags: '--chart', description: 'draw the step chart even when stdout is not a terminal', group: 'output' },
  { key: 'chart', command: 'schedule', flags: '--no-chart', description: 'no step chart, also on a terminal', group: 'output' },
  { key: 'offline', command: 'schedule', flags: '--offline', description: 'compute the schedule here, as scp simulate would, from the station the options below describe (default: the built-in one); connect to nothing', default: false, group: 'send' },
  { key: 'explain', command: 'schedule', flags: '--explain', description: 'with --offline: which profiles set each period\'s limit, and why each other profile sets none', default: false, group: 'output', needs: 'offline' },
  // What a site draws: the answers of several --evse (or --input lines) added up, against the site's grid limit.
  { key: 'sum', command: 'schedule', flags: '--sum', description: 'after the answers of every --evse (or --input line), one table of their sum in W on absolute time, and its chart', default: false, group: 'output' },
  { key: 'siteLimit', command: 'schedule', flags: '--site-limit <limit>', description: 'with --sum: the site\'s grid limit (16A per phase, 40000W or 40kW); periods over it are marked, and scp exits 1', group: 'output', needs: 'sum' },
  { key: 'svg', command: 'schedule', flags: '--svg <file>', description: 'also draw the chart (with --sum: the EVSEs stacked, the site limit as a line) as an SVG picture in this file', group: 'output', complete: 'file' },
  ...stationOptions('schedule', 'station', 'offline', ['offline', 'sum']),
  ...questionOptions('schedule', 'ask once per line of this file (- for stdin): a JSON object shaped like the request\'s data, e.g. {"evse_id": "3", "duration": 3600}'),
] as const;

export type ScheduleOptions = OptionsOf<typeof SCHEDULE_OPTIONS>;

const SCHEDULE_HELP = `
Asks the service what limit the EVSE will apply from now over --duration: every profile in force combined (stack
levels, TxProfile over TxDefaultProfile, the station's maximum and external limits). Prints a header, one row per
period (absolute start and end in local time, the limit, phases) and, on a terminal, a step chart of the limit.
Without --evse on a terminal, scp asks for it; in a script it fails with exit 2. --json prints the full answer.

What a site draws: --sum after the answers of several --evse (one request each), or of --input lines (which may
name "station" where the topics name {station}), prints one table of their sum on absolute time, a column per
answered EVSE and the total in W (an answer in A at --supply-voltage x its period's phases, 3 where it gives none),
and its chart. An EVSE that did not answer Accepted is listed as missing, and the total said incomplete.
--site-limit marks the periods over it, and scp exits 1 if there is one. --json adds one last record {"sum": ...}.
--svg <file> draws the chart (of the sum: the EVSEs stacked, the limit a line) as an SVG picture.

With --offline, nothing is asked of a station: scp computes the schedule itself, exactly as scp simulate answers,
from --profiles (a file of profiles as a station holds them, checked as it would check them) and the station
options, or from the built-in station. The output is the online one; --json records say "offline": true where an
online one names the broker. --explain adds which profiles set each period's limit and why each other sets none.

Examples:
  scp schedule --evse 3
  scp schedule --evse 3 --duration 2h --unit W
  scp schedule --evse 0 --json | jq '.response.data.schedule.charging_schedule_period'
  scp schedule --offline --profiles station.json --clock 2026-12-01T18:00:00Z --evse 1 --explain
  scp schedule --evse 1 --evse 2 --evse 3 --sum --site-limit 40kW --svg site.svg
  scp schedule --input site.jsonl --sum --site-limit 63A --json | tail -n 1`;

export const scheduleFace = {
  command: 'schedule',
  summary: 'show the composite schedule of an EVSE (the limit it will apply, and when) as a table and a chart',
  help: SCHEDULE_HELP,
  samples: { send: [['--evse', 'GB*SEV*E001'], ['--evse', '0', '--chart', '--unit', 'W']], bad: ['--evse', 'GB*SEV*E001', '--unit', 'kW'] },
  outcomes: { accepted: 'Accepted: the schedule is shown', other: 'Rejected: the service refused (see status_info; e.g. an unknown EVSE); with --sum --site-limit, also: the site\'s total passes the limit' },
  changes: false,
  options: SCHEDULE_OPTIONS,
} as const satisfies MessageCommand;
