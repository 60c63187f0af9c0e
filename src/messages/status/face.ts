/**
 * `scp status` as its command shows it before anything of the message is loaded: its options, help, samples and what
 * its exits mean. service_status travels on the station's general topics (cs/josev, josev/cs), not the Smart
 * Charging ones: `topics` names the settings that hold them.
 */
import type { OptionsOf } from '../../options.js';
import { questionOptions, type MessageCommand } from '../kind.js';

/** The Josev services a station may run (the request's `service`). */
export const SERVICES = ['slac', 'iso15118', 'ocpp', 'gridcode', 'smart_charging'] as const;

/** `scp status`'s own options: which service, whether to keep watching, and those of every question. */
export const STATUS_OPTIONS = [
  { key: 'service', command: 'status', flags: '--service <name>', description: `the service to ask: ${SERVICES.join(', ')} (default: smart_charging)`, group: 'send', selects: true, complete: SERVICES },
  { key: 'watch', command: 'status', flags: '--watch', description: 'after the answer, print every status the service announces until interrupted', default: false, group: 'output' },
  ...questionOptions('status', 'ask once per line of this file (- for stdin): a service name, or a JSON object like {"service": "smart_charging", "station": "17"}'),
] as const;

export type StatusOptions = OptionsOf<typeof STATUS_OPTIONS>;

const STATUS_HELP = `
Asks a Josev service of the station whether it is up, and which software and API version it runs: a request on
--status-request-topic (default cs/josev), the answer with the same id on --status-response-topic (default
josev/cs). Everything else on those topics (the services' unasked updates, other messages, other ids) is ignored
while scp waits. The answer says the service's process has started and in which state; it is not a deep health check.
When the service speaks another API version than scp's schemas follow, one line on stderr says so.
With --watch, scp then prints each status the service announces (a line each; JSON lines with --json) until Ctrl-C
or SIGTERM; the exit status is then that of the last status seen.
Or give --input: one question per line, one result per line; with topics that name {station}, one per station.

Examples:
  scp status
  scp status --service ocpp --json | jq -r .response.data.api_version
  scp status --watch
  seq 1 500 | jq -c '{station: tostring, service: "smart_charging"}' |
    scp status --status-request-topic 'stations/{station}/cs/josev' --status-response-topic 'stations/{station}/josev/cs' \\
      --input - --json | jq -c 'select(.outcome != "accepted") | .station'`;

export const statusFace = {
  command: 'status',
  summary: 'ask whether the station\'s Smart Charging service (or another) is up, and which API version it speaks',
  help: STATUS_HELP,
  options: STATUS_OPTIONS,
  topics: { request: 'statusRequestTopic', response: 'statusResponseTopic' },
  samples: { send: [[], ['--service', 'smart_charging', '--json']], bad: ['--service', 'charging'] },
  outcomes: { accepted: 'ready: the service is up', other: 'the service answered, but is not ready: starting, stopping, error or busy' },
  changes: false,
} as const satisfies MessageCommand;
