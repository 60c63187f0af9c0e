/**
 * What `--help` says beyond each option's own line: the groups options are listed in, examples, exit codes, and how
 * scp shares its name with OpenSSH's scp. Text only, and the help layout commander is given (cli.ts uses both).
 */
import { Help, type Command, type Option } from 'commander';
import type { HelpGroup } from './options.js';

/** The headings options are grouped under, in the order help lists them (commander's -h and -V come last). */
export const GROUP_HEADINGS: Readonly<Record<HelpGroup, string>> = {
  send: 'What to send:',
  service: 'The service:',
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

/** The exit codes of a message command, in its own words for 0 and 1 (its registry entry's `outcomes`). */
export function exitHelp(outcomes: { accepted: string; other: string }): string {
  return `
Exit codes:
  0    ${outcomes.accepted}
  1    ${outcomes.other}
  2    bad usage or invalid input, or declined at the confirmation: nothing was sent
  3    no matching response before --timeout: the request was published and may still be applied
  4    cannot connect, not authorised, TLS failure, or connection lost
  5    invalid response: an answer with our id that breaks the response schema
  70   internal error: a bug in scp (rerun with --verbose for the stack)
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM)`;
}

/** Every message command's exit codes, for `scp --help`. */
export const EXIT_HELP = exitHelp({
  accepted: 'accepted: the service did what was asked',
  other: 'the service said no: unknown (clear: nothing to clear) or rejected (set, schedule: see status_info)',
});

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

export const COMPLETION_HELP = `
Install:
  bash:  scp completion bash > ~/.local/share/bash-completion/completions/scp
  zsh:   scp completion zsh > "\${fpath[1]}/_scp"       (or any folder in $fpath, then restart zsh)
  fish:  scp completion fish > ~/.config/fish/completions/scp.fish`;

/** After the commands of `scp --help`. */
export const ROOT_HELP = `
Examples:
  scp simulate --embedded 0                  # a broker and a stand-in service, to try everything below
  scp clear --id 1
  scp clear --evse 'GB*SEV*123' --purpose TxProfile --json
  scp set --evse 3 --id 7 --limit 11kW
  scp schedule --evse 3                      # what EVSE 3 will allow, and when: a table and a chart
  seq 1 100 | scp clear --input - --json
  scp --profile site-a clear --id 7          # connection settings from the config file

Other invocations are OpenSSH's: unless scp is given nothing, -h or -V alone, any --long option, or one of
the commands above with only the short options its help lists (and config's action, completion's shell or
help's topic), scp hands the whole command line to the next scp in PATH (OpenSSH's secure copy), as in
\`scp -r dir host:\`. To copy a file named like a command, name it as a path: \`scp ./set host:\`.
SCP_NO_PASSTHROUGH=1 turns the hand-over off; the smart-charging command never does it.
${EXIT_HELP}`;
