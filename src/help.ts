/**
 * What `--help` says beyond each option's own line: the groups options are listed in, examples, exit codes, and how
 * scp shares its name with OpenSSH's scp. Text only, and the help layout commander is given (cli.ts uses both).
 */
import { Help, type Command, type Option } from 'commander';
import type { HelpGroup, OptionSpec } from './options.js';
import { EXIT, EXIT_MEANINGS, EXIT_USAGE_UNCONFIRMED } from './core/errors.js';

/** The headings options are grouped under, in the order help lists them (commander's -h and -V come last). */
export const GROUP_HEADINGS: Readonly<Record<HelpGroup, string>> = {
  send: 'What to send:',
  service: 'The service:',
  station: 'The offline station:',
  connection: 'Connection:',
  config: 'Config file:',
  output: 'Output:',
};
const ORDER = Object.values(GROUP_HEADINGS);

/**
 * Every command's help lists the options that apply to it, its own and the global ones (given before or after the
 * command alike), together in their groups, so `scp clear --help` shows --broker, --timeout and --json too.
 */
export const HELP_LAYOUT: Partial<Help> = {
  visibleOptions(cmd: Command): Option[] {
    const own = Help.prototype.visibleOptions.call(this, cmd);
    const inherited: Option[] = [];
    for (let parent = cmd.parent; parent; parent = parent.parent) inherited.push(...parent.options.filter((option) => !option.hidden));
    return [...own, ...inherited];
  },
  groupItems<T extends Command | Option>(unsorted: T[], visible: T[], getGroup: (item: T) => string): Map<string, T[]> {
    const groups = (Help.prototype.groupItems as (...args: unknown[]) => Map<string, T[]>).call(this, unsorted, visible, getGroup);
    const rank = (heading: string) => (ORDER.includes(heading) ? ORDER.indexOf(heading) : ORDER.length);
    return new Map([...groups].filter(([, items]) => items.length > 0).sort(([a], [b]) => rank(a) - rank(b)));
  },
};

type Outcomes = { accepted: string; other: string };

/**
 * The exit table: 0 and 1 in each message's own words (its entry's `outcomes`; with several messages, each line
 * names its command), then the meanings every command shares (core/errors.ts EXIT_MEANINGS). Help and the README show it.
 */
export function exitRows(messages: ReadonlyArray<{ command: string; outcomes: Outcomes; options?: readonly OptionSpec[] }>): Array<[code: number, lines: string[]]> {
  const said = (pick: (outcomes: Outcomes) => string) => messages.map((one) => (messages.length === 1 ? pick(one.outcomes) : `${one.command}: ${pick(one.outcomes)}`));
  // Only a command that confirms before it sends (it has --yes) can be declined at the confirmation.
  const confirms = messages.some((one) => one.options?.some((spec) => spec.key === 'yes') ?? true);
  const meaning = (code: number, text: string) => (code === EXIT.usage && !confirms ? EXIT_USAGE_UNCONFIRMED : text);
  return [[0, said((o) => o.accepted)], [1, said((o) => o.other)], ...EXIT_MEANINGS.map(([code, text]) => [code, [meaning(code, text)]] as [number, string[]])];
}

/** The exit codes, as help shows them: one row per code, a message's lines under each other. */
export function exitHelp(messages: Parameters<typeof exitRows>[0]): string {
  const rows = exitRows(messages).map(([code, lines]) => lines.map((line, i) => `  ${(i === 0 ? String(code) : '').padEnd(5)}${line}`).join('\n'));
  return `\nExit codes:\n${rows.join('\n')}`;
}

export const SIMULATE_HELP = `
Logs one line per request on stdout (one JSON object per line with --json); everything else goes to stderr.
The embedded broker takes MQTT 3.1.1 and MQTT 5 clients on the same port (mosquitto_rr, MQTTX, mqtt-cli,
scp --mqtt-version 5). Answers go to smart_charging/ocpp, correlated by the envelope's id, as the service's API
documents: an MQTT 5 response topic or correlation data on a request changes nothing.

The station: without --profiles, --evses or --transaction, a built-in one (EVSEs GB*SEV*E001 to E003, seven
profiles of all four purposes, a transaction TX-E001 on GB*SEV*E001). get_composite_schedule is answered from the
profiles held whole (set's, and --profiles entries shaped like set's data) as EVerest's libocpp computes it; an
EVSE it does not have is Rejected. --clock fixes the time, for a station that answers the same way every run.

Examples:
  scp simulate --embedded            # a broker and the service on 127.0.0.1:1883
  scp simulate --embedded 0 --json   # any free port, JSON log lines
  scp simulate --embedded --evses 2 --clock 2026-12-01T18:00:00Z --transaction 1=TX-1@2026-12-01T17:30:00Z
  scp --request-topic 'stations/{station}/ocpp/smart_charging' \\
    --response-topic 'stations/{station}/smart_charging/ocpp' simulate --embedded --stations 50
  mosquitto_rr -h 127.0.0.1 -p 1883 -t ocpp/smart_charging -e smart_charging/ocpp \\
    -m '{"id":"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b","name":"clear_charging_profile","type":"request","data":{"charging_profile_id":1}}'
  scp --broker mqtt://lab:1883 simulate --profiles lab-profiles.json --delay 500 --drop 0.1

Exit codes:
  0    stopped by Ctrl-C or SIGTERM, cleanly
  2    bad options or a bad profiles file: nothing was served
  4    no broker accepts at the start; after a loss, every broker refused the connection for --connect-timeout
       (with several, not before 60 s: it goes round its --broker list meanwhile, keeping its stations); or
       cannot listen on the embedded broker's port
  70   internal error: a bug in scp (rerun with --verbose for the stack)`;

export const CONFIG_HELP = `
Precedence, for every setting: flag > environment variable > profile > built-in default.
A profile is chosen by --profile or SCP_PROFILE, else the file's default_profile, else none.

Examples:
  scp config path
  scp --profile site-a config show
  scp config validate && scp --profile site-b clear --id 1`;

export const JOURNAL_HELP = `
A journal is the file --journal (or SCP_JOURNAL, or a site profile's journal) names: every request a message
command sends, written before it is published, and its record once made, one JSON object per line. This lists its
runs, oldest first: when each started, who ran it where, the command, the broker, how many requests and their
outcomes, and whether it finished. An interrupted run can be taken up with the same command and --resume (or
--retry-failed): no line it published is sent again.

Examples:
  scp --journal site-a.jsonl clear --input ids.txt
  scp --journal site-a.jsonl clear --input ids.txt --resume     # after an interruption
  scp --journal site-a.jsonl journal --since 2026-12-01       # or 2026-12-01T18:00:00Z, or 2h (ago)
  scp --journal site-a.jsonl journal --station 17 --outcome rejected --json | jq -r .run

Exit codes:
  0    listed (a line of the journal that is no entry, such as one cut short by a kill, is said on stderr)
  2    no journal given, it cannot be read, or it is not a journal; a bad --since or --outcome
  70   internal error: a bug in scp (rerun with --verbose for the stack)`;

export const DOCTOR_HELP = `
Checks, in order, over one connection, what must be right before a station is changed, and says for each what it
found and, when it warns or fails, what to do:
  broker      reached the way --broker says: TLS (a certificate that expires within 30 days warns), the login, the
              MQTT version it accepted
  service     service_status answered on the general topics: ready (anything else fails), and an API version scp's
              schemas follow (another warns)
  round trip  get_composite_schedule for --evse (default 0, the whole station) answered on the response topic, and
              how long it took (over a second warns)
  clock       the answer's schedule_start against scp's clock when it came: more than 5 s apart warns, more than 60 s
              fails (an Absolute profile whose start scp computes starts that far off on the station)
A check that cannot be made since one before it failed is a skip. Only questions are sent: nothing that changes a
station. With --input, each line names a station (its id, or {"station": "17", "evse": "1"}) on topics that name
{station}: a checklist per station, then how many passed, warned and failed.

Examples:
  scp doctor
  scp doctor --broker mqtts://broker.example:8883 --ca ca.pem --username ops --evse 'GB*SEV*E001'
  seq 1 50 | scp doctor --request-topic 'stations/{station}/ocpp/smart_charging' \\
    --response-topic 'stations/{station}/smart_charging/ocpp' --status-request-topic 'stations/{station}/cs/josev' \\
    --status-response-topic 'stations/{station}/josev/cs' --input - --json | jq -c 'select(.status != "pass")'

Exit codes:
  0    every check passed (warnings allowed)
  1    a check failed (or, for a fleet, a check of any station)
  2    bad usage or invalid input: nothing was sent
  4    no broker took the connection (cannot connect, not authorised, TLS failure)
  70   internal error: a bug in scp (rerun with --verbose for the stack)
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM)`;

export const COMPLETION_HELP = `
Install:
  bash:  scp completion bash > ~/.local/share/bash-completion/completions/scp
  zsh:   scp completion zsh > "\${fpath[1]}/_scp"       (or any folder in $fpath, then restart zsh)
  fish:  scp completion fish > ~/.config/fish/completions/scp.fish`;

/** After the commands of `scp --help`: examples (each message's everyday sample, from the registry) and the exit table. */
export function rootHelp(messages: ReadonlyArray<{ command: string; outcomes: Outcomes; samples: { send: readonly (readonly string[])[] } }>): string {
  const quoted = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg}'`);
  const examples = messages.map(({ command, samples }) => `  scp ${command} ${samples.send[0]!.map(quoted).join(' ')}`).join('\n');
  return `
Examples:
  scp simulate --embedded 0                  # a broker and a stand-in service, to try everything below
${examples}
  seq 1 100 | scp clear --input - --json
  scp --profile site-a clear --id 7          # connection settings from the config file

Other invocations are OpenSSH's: unless scp is given nothing, -h or -V alone, any --long option, or one of
the commands above with only the short options its help lists (and config's action, completion's shell or
help's topic), scp hands the whole command line to the next scp in PATH (OpenSSH's secure copy), as in
\`scp -r dir host:\`. To copy a file named like a command, name it as a path: \`scp ./set host:\`.
SCP_NO_PASSTHROUGH=1 turns the hand-over off; the smart-charging command never does it.
${exitHelp(messages)}`;
}
