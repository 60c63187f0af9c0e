/**
 * The commander program, built from the option table (options.ts), the message registry (messages/) and the help
 * texts (help.ts): one command per registry entry, plus simulate, config and completion. No logic lives here; each
 * action lazily imports its command so that `--help` and `--version` load nothing else. Every command's ending
 * becomes its exit status in one place (`shellFor`, through core/errors.ts `exitStatus`); `run`, the process entry,
 * sets process.exitCode from it, and exits at once only after a crash (an uncaught error), when nothing can be
 * trusted to finish.
 */
import { existsSync } from 'node:fs';
import { Command, CommanderError, Help, Option } from 'commander';
import { EXIT, ScpError, exitStatus, type Ending } from './core/errors.js';
import { envFlag, redactUrl } from './core/settings.js';
import { didYouMean } from './core/similar.js';
import { refuseOptions, type DoctorOptions, type JournalOptions, type OptionSpec } from './options.js';
import { COMPLETION_HELP, CONFIG_HELP, DOCTOR_HELP, GROUP_HEADINGS, HELP_LAYOUT, JOURNAL_HELP, SIMULATE_HELP, exitHelp, rootHelp } from './help.js';
import { MESSAGES, OPTIONS, optionsOf } from './messages/index.js';
import { isLimitUnit, parseLimit } from './core/fields.js';
import type { MessageFace } from './messages/kind.js';
import type { MessageOptions } from './commands/request.js';
import { writeLine, writeText } from './output/plain.js';
import type { ConnectionFlags } from './connection/settings.js';
import type { Output } from './output/render.js';
import { Stdio, type OutStream } from './output/stdio.js';
import type { SimulateFlags } from './commands/simulate.js';
import type { ConfigState } from './commands/config.js';

import { VERSION } from './core/version.js';

export { VERSION };

export interface Io {
  /** The name we were called by (scp or smart-charging), for the usage lines. */
  name?: string;
  /** Said after an unknown command or option: why it was not handed to OpenSSH's scp (see launch/index.ts). */
  unknownHint?: string;
  stdin: NodeJS.ReadableStream;
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/** Every global option, typed from the option table (with where each came from, once the config is laid under). */
type GlobalFlags = ConnectionFlags;

/** commander's Option for a row of the option table (cli.ts adds them; nothing else declares an option). */
function commanderOption(spec: OptionSpec, env: NodeJS.ProcessEnv): Option {
  const option = new Option(spec.flags!, spec.description);
  // The row's key is the name its value is kept under, where the flag's own would mislead: --no-input's is `ask`
  // (commander would call it `input`, the name of every message command's --input <file>).
  if (option.attributeName() !== spec.key) option.attributeName = () => spec.key;
  if (spec.env !== undefined) option.env(spec.env);
  // An on/off variable is read here, so only 1/true/yes/on enable it (commander would take "0" as on).
  if (spec.envSwitch !== undefined) option.default(envFlag(env[spec.envSwitch]), undefined);
  else if (spec.default !== undefined) option.default(spec.default);
  // The first value given replaces the default (a string); later ones are added to it.
  if (spec.repeatable) option.argParser((value: string, previous: unknown) => (Array.isArray(previous) ? [...previous, value] : [value]));
  if (spec.refusal !== undefined) option.hideHelp();
  option.helpGroup(GROUP_HEADINGS[spec.group]);
  return option;
}

/** The options of one command (undefined: the global ones) as commander options. */
function commanderOptions(command: string | undefined, env: NodeJS.ProcessEnv): Option[] {
  return optionsOf(command)
    .filter((spec) => spec.flags !== undefined)
    .map((spec) => commanderOption(spec, env));
}

/**
 * A command's own options from the table are added when commander dispatches to it (the program's preSubcommand
 * hook, `ensureOptions`), before its help is shown (`scp help set` shows it without dispatching), or when the whole
 * program is read (completion, the launcher's words): making every
 * command's options cost each run those of all the others (#29). The commands waiting for theirs, and how to add them.
 */
const pendingOptions = new WeakMap<Command, () => void>();

function withOptions(command: Command, env: NodeJS.ProcessEnv): Command {
  pendingOptions.set(command, () => {
    for (const option of commanderOptions(command.name(), env)) command.addOption(option);
  });
  return command.on('beforeHelp', () => ensureOptions(command));
}

function ensureOptions(command: Command): void {
  pendingOptions.get(command)?.();
  pendingOptions.delete(command);
}

/** Every command with its options, for what reads the whole program. */
function ensureAllOptions(program: Command): Command {
  for (const command of program.commands) ensureOptions(command);
  return program;
}

/** The help's layout, and a command's `[options]` in the list of commands before its options are added. */
const HELP: Partial<Help> = {
  ...HELP_LAYOUT,
  subcommandTerm(command: Command): string {
    const term = Help.prototype.subcommandTerm.call(this, command);
    return pendingOptions.has(command) ? `${command.name()} [options]${term.slice(command.name().length)}` : term;
  },
};

/** Runs a command inside every command's shell (see `shellFor`); `config: false` for commands that need no config. */
type Act = (command: (flags: GlobalFlags, output: Output, config: ConfigState) => Promise<Ending | void>, options?: { config?: boolean }) => void;

/** The program itself: its name, version, how commander writes and fails, and the global options. */
function rootProgram(io: Io): Command {
  const program = new Command(io.name ?? 'scp')
    .description('Clear and set OCPP 2.0.1 charging profiles, see the composite schedule and ask whether the service is up, through a Smart Charging service over MQTT.')
    .version(VERSION)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => writeText(io.stdout, text),
      writeErr: (text) => writeText(io.stderr, text),
      // Asked of our streams, not of process.stdout (whose creation costs start-up time: output/stdio.ts). The help
      // has no colour of its own to keep or strip.
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      // One line, as every usage error: commander puts its suggestion on a line of its own.
      outputError: (text, write) => write(`scp: ${text.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')}`),
    })
    .configureHelp(HELP)
    // Functions: a help text is made only when that help is shown.
    .addHelpText('after', () => rootHelp(MESSAGES))
    .hook('preSubcommand', (_program, command) => ensureOptions(command));
  for (const option of commanderOptions(undefined, io.env)) program.addOption(option);
  return program;
}

/**
 * Every command's shell: its Output, the refusals common to all, the config file and profile laid under flags and
 * environment (unless the command must work without it), and expected errors as one line + exit code.
 */
function shellFor(program: Command, io: Io, run: (action: () => Promise<number>) => void): Act {
  /** commander's word for where an option's value came from, in ours. */
  const sourceOf = (option: string) =>
    ({ cli: 'flag', env: 'env', default: 'default' } as const)[program.getOptionValueSource(option) as 'cli' | 'env' | 'default'];
  return (command, { config = true } = {}) =>
    run(async () => {
      const given = program.opts<GlobalFlags>();
      const { openOutput } = await import('./output/render.js');
      const output = await openOutput({ stdout: io.stdout, stderr: io.stderr, env: io.env, json: given.json, verbose: given.verbose, color: given.color });
      try {
        refuseOptions(given as unknown as Readonly<Record<string, unknown>>);
        const { applyConfig, locateConfig } = await import('./commands/config.js');
        const { flags, state } = config
          ? applyConfig(given, sourceOf, io.env)
          : { flags: given, state: { location: locateConfig(given, sourceOf, io.env) } };
        return exitStatus((await command(flags, output, state)) ?? {});
      } catch (err) {
        if (!(err instanceof ScpError)) throw err;
        output.error(err.message);
        return exitStatus({ error: err });
      }
    });
}

/** A message's command, from its registry entry: one request from options or questions, or many with --input. */
function addMessage(program: Command, io: Io, act: Act, face: MessageFace): void {
  withOptions(program.command(face.command), io.env)
    .description(face.summary)
    .addHelpText('after', () => `${face.help}\n${exitHelp([face])}`)
    .action((options: MessageOptions) =>
      act(async (flags, output) => {
        // The message itself is loaded only now, and only this one.
        const kind = await face.load();
        const { runMessage } = await import('./commands/request.js');
        return runMessage(kind, options, flags, { output, env: io.env, signal: io.signal, terminal: io, noQuestions: !flags.ask });
      }),
    );
}

function addSimulate(program: Command, io: Io, act: Act): void {
  withOptions(program.command('simulate'), io.env)
    .description(`run a stand-in Smart Charging service that answers ${MESSAGES.map((one) => one.command).join(', ')} requests as an OCPP 2.0.1 station would`)
    .addHelpText('after', SIMULATE_HELP)
    .action((options: SimulateFlags) =>
      act(async (flags, output) => {
        const { runSimulate } = await import('./commands/simulate.js');
        await runSimulate(options, flags, { output, env: io.env, signal: io.signal });
      }),
    );
}

function addDoctor(program: Command, io: Io, act: Act): void {
  withOptions(program.command('doctor'), io.env)
    .description('check everything that must be right before changing a station: the broker, the service, a round trip, the station\'s clock')
    .addHelpText('after', DOCTOR_HELP)
    .action((options: DoctorOptions) =>
      act(async (flags, output) => {
        const { runDoctorCommand } = await import('./commands/doctor.js');
        return runDoctorCommand(options, flags, { output, env: io.env, signal: io.signal, terminal: io, noQuestions: true });
      }),
    );
}

function addJournal(program: Command, io: Io, act: Act): void {
  withOptions(program.command('journal'), io.env)
    .description('list the runs a journal holds: when, who, the command, how many requests and their outcomes, whether each finished')
    .addHelpText('after', JOURNAL_HELP)
    .action((options: JournalOptions) =>
      act(async (flags, output) => {
        const { listJournal } = await import('./commands/journal.js');
        return listJournal(options, flags, output);
      }),
    );
}

function addConfig(program: Command, io: Io, act: Act): void {
  const config = program
    .command('config')
    .description('the config file and its site profiles: where it is, what it sets, whether it is valid')
    .addHelpText('after', CONFIG_HELP);
  const sub = (name: string, description: string, run: Parameters<Act>[0], options?: Parameters<Act>[1]) =>
    config
      .command(name)
      .description(description)
      .action(() => act(run, options));
  sub(
    'path',
    'print the path of the config file in use (whether or not it exists)',
    async (_flags, output, state) => {
      const { showConfigPath } = await import('./output/config.js');
      showConfigPath(output, state.location.path, existsSync(state.location.path), state.location.named ?? null);
    },
    { config: false },
  );
  sub('show', 'print the effective connection settings and where each came from (flag, env, profile, default); never a secret', async (flags, output, state) => {
    const { settingsReport } = await import('./commands/config.js');
    const { showSettings } = await import('./output/config.js');
    showSettings(output, settingsReport(flags, state, io.env));
  });
  // Without the config laid under: a broken file is what validate reports, every problem of it, not a refusal to run.
  sub(
    'validate',
    'check the config file and the files it names: every problem, one line each; exit 0 if valid, 2 if not',
    async (_flags, output, state) => {
      const { validateConfigFiles } = await import('./commands/config.js');
      return validateConfigFiles(state.location, output);
    },
    { config: false },
  );
  sub('profiles', 'list the profile names, one per line (shell completion uses this)', async (_flags, output, state) => {
    const { profileNames } = await import('./commands/config-file.js');
    const { showNames } = await import('./output/config.js');
    showNames(output, profileNames(state.config));
  });
}

function addCompletion(program: Command, act: Act): void {
  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', COMPLETION_HELP)
    .action((shell: string) =>
      act(
        async (_flags, output) => {
          const { completionScript } = await import('./commands/completion.js');
          output.text(completionScript(shell, describeProgram(ensureAllOptions(program))));
        },
        { config: false },
      ),
    );
}

/**
 * `scp help [command]`, as commander's own help command, except that a word that is no command is bad usage in one
 * line, with "did you mean" (commander printed the whole help). Loads nothing: the help bundle runs it.
 */
function addHelp(program: Command, io: Io, run: (action: () => Promise<number>) => void): void {
  program.helpCommand(false);
  program
    .command('help [command]')
    .description('display help for command')
    .action((name: string | undefined) =>
      run(async () => {
        const commands = program.commands.filter((one) => one.name() !== 'help');
        const command = name === undefined ? program : commands.find((one) => one.name() === name);
        if (command === undefined) {
          writeLine(io.stderr, `help: ${JSON.stringify(name)} is not a command${didYouMean(name!, commands.map((one) => one.name()))}`);
          return EXIT.usage;
        }
        ensureOptions(command);
        command.outputHelp();
        return EXIT.accepted;
      }),
    );
}

function buildProgram(io: Io, run: (action: () => Promise<number>) => void): Command {
  const program = rootProgram(io);
  const act = shellFor(program, io, run);
  for (const face of MESSAGES) addMessage(program, io, act, face);
  addSimulate(program, io, act);
  addDoctor(program, io, act);
  addJournal(program, io, act);
  addConfig(program, io, act);
  addCompletion(program, act);
  addHelp(program, io, run);
  return program;
}

/** The commands and options, read off the commander program itself, so completion cannot drift from it. */
function describeProgram(program: Command): import('./commands/completion.js').ProgramShape {
  const optionsOf = (command: Command) =>
    command.options
      .filter((option) => !(option as Option & { hidden?: boolean }).hidden)
      .map((option) => ({ long: option.long!, short: option.short, takesValue: option.required || option.optional, description: option.description }));
  // The help command is not offered: `scp <command> --help` is what a completed word leads to.
  const walk = (command: Command): import('./commands/completion.js').CommandShape => ({
    name: command.name(),
    description: command.description(),
    options: optionsOf(command),
    commands: command.commands.filter((one) => one.name() !== 'help').map(walk),
  });
  return walk(program);
}

/**
 * What the launcher knows of our commands, read off the commander program at build time (cli.ts `launcherWords`,
 * written into dist/launch.cjs by src/build/build.mjs): nobody keeps a list of command words by hand, so a new
 * command is ours in every form its help shows. Each short option maps to whether it takes a value.
 */
export interface LauncherWords {
  /** The program's own short options (`-h`, `-V`, `-v`), as `scp --help` lists them. */
  readonly root: Readonly<Record<string, boolean>>;
  /** Each command (the help command included): whether a word may follow it (a subcommand such as config's
   * action, an argument such as completion's shell or help's topic), and every short option its help lists, its
   * subcommands' included. */
  readonly commands: Readonly<Record<string, { readonly word: boolean; readonly shorts: Readonly<Record<string, boolean>> }>>;
}

/**
 * What the launcher needs to tell our invocations from OpenSSH's, read off the program as its help shows it: every
 * command (commander's help command too), whether a word may follow it, and each short option its help lists: its
 * own, its subcommands', and the program's, which commander takes after any command. src/build/build.mjs writes it into dist/launch.cjs, so no list of words is kept by hand.
 */
export function launcherWords(): LauncherWords {
  // Built to be read, never run: nothing is parsed, so no stream is touched.
  const io = { stdout: new Stdio(1, () => process.stdout), stderr: new Stdio(2, () => process.stderr), env: {}, signal: new AbortController().signal, get stdin() { return process.stdin; } };
  const program = ensureAllOptions(buildProgram(io, () => {}));
  const help = program.createHelp();
  const shortsOf = (...commands: Command[]): Record<string, boolean> =>
    Object.fromEntries(
      commands
        .flatMap((one) => help.visibleOptions(one))
        .filter((option) => option.short !== undefined)
        .map((option) => [option.short!, option.required || option.optional]),
    );
  const commands = help.visibleCommands(program).map((command) => [
    command.name(),
    { word: command.registeredArguments.length > 0 || help.visibleCommands(command).length > 0, shorts: shortsOf(program, command, ...help.visibleCommands(command)) },
  ]);
  return { root: shortsOf(program), commands: Object.fromEntries(commands) };
}

/** The registry's commands and what they run most (entries' `samples`), for the build's code-cache training and the
 * start-up bench, which read the built CLI and keep no list of their own. */
export function messageCommands(): Array<{ command: string; samples: MessageFace['samples'] }> {
  return MESSAGES.map(({ command, samples }) => ({ command, samples }));
}

/** The flags whose value is a limit with its unit (`--limit 16A`), read off the option table. */
const LIMIT_FLAGS = new Set(OPTIONS.filter((spec) => spec.flags?.endsWith('<limit>')).map((spec) => spec.flags!.split(' ')[0]!));

/**
 * `--limit 11 kW`: the shell made the unit a word of its own, which commander would call one argument too many.
 * Said as what it is, with the limit written as it should be.
 */
function splitLimit(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length - 1; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s) as [string, string | undefined];
    if (!LIMIT_FLAGS.has(flag)) continue;
    const [number, unit] = inline === undefined ? [argv[i + 1], argv[i + 2]] : [inline, argv[i + 1]];
    if (number === undefined || unit === undefined || !/^[0-9]+(\.[0-9]+)?$/.test(number) || !isLimitUnit(unit)) continue;
    try {
      parseLimit(`${number} ${unit}`, flag);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return undefined;
}

/**
 * Runs one invocation and returns its exit code: a command's ending (its outcomes, or the error it threw) as
 * `shellFor` decides it, commander's refusals as bad usage, anything else as a bug (70). Never calls process.exit,
 * so pending writes to a pipe are not cut off.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const split = splitLimit(argv);
  if (split !== undefined) {
    writeLine(io.stderr, split);
    return EXIT.usage;
  }
  let pending: Promise<number> | undefined;
  const program = buildProgram(io, (action) => {
    pending = action();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (!pending) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    return await pending;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; everything commander refuses is bad usage.
      // commander says 0 for --help, --version and `help`; `scp` alone shows help on stderr with 1: bad usage.
      if (err.exitCode === 0) return EXIT.accepted;
      if (io.unknownHint && /unknownCommand|unknownOption|excessArguments/.test(err.code)) writeLine(io.stderr, io.unknownHint);
      return EXIT.usage;
    }
    writeText(io.stderr, describeInternalError(err, argv.includes('--verbose') || argv.includes('-v')));
    return EXIT.internal;
  }
}

/**
 * A bug in scp, not in the operator's input: exit 70 (EX_SOFTWARE), never 1, which a script reads as "nothing to
 * clear". One line unless --verbose asked for the stack.
 */
export function describeInternalError(err: unknown, verbose: boolean): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const line = `scp: internal error (a bug in scp, please report it): ${message.split('\n')[0]}`;
  if (verbose && err instanceof Error && err.stack) return `${line}\n${err.stack}\n`;
  return `${line}; rerun with --verbose for the stack\n`;
}

/** argv as `ps` should show it: a password inside a broker URL is replaced by ***. */
export function redactArgv(argv: string[]): string[] {
  return argv.map((arg) => {
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    return eq > 0 ? `${arg.slice(0, eq + 1)}${redactUrl(arg.slice(eq + 1))}` : arg.includes('://') ? redactUrl(arg) : arg;
  });
}

/** The process entry used by bin/scp.js: wires real streams, env and signals into main(). */
export async function run({ unknownHint, name }: { unknownHint?: string; name?: string } = {}): Promise<void> {
  const argv = process.argv.slice(2);
  const shown = redactArgv(argv);
  // `ps` and /proc/<pid>/cmdline show our arguments to every user: hide a password given inside a URL.
  if (shown.some((arg, i) => arg !== argv[i])) process.title = ['scp', ...shown].join(' ');
  // The last line of defence: whatever escapes main() is a bug, reported as one, with exit 70.
  const crash = (err: unknown) => {
    writeText(process.stderr, describeInternalError(err, argv.includes('--verbose') || argv.includes('-v')));
    // After an uncaught error nothing in the process can be trusted to finish; stderr is written synchronously.
    process.exit(EXIT.internal);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  const controller = new AbortController();
  // First Ctrl-C: stop waiting and disconnect cleanly. `once`: a second one kills at once, as people expect.
  const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A reader that goes away (`| head`) is not an error: stop writing, quietly. The stream mode stops reading too.
  // (Stdio does the same for what it writes itself, before Node's stream exists.)
  const stdout = new Stdio(1, () =>
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') crash(err);
    }),
  );
  const code = await main(argv, {
    name,
    unknownHint,
    // A getter: process.stdin is created on first use, and creating it loads Node's fs streams; most runs never read it.
    get stdin() {
      return process.stdin;
    },
    stdout,
    stderr: new Stdio(2, () => process.stderr),
    env: process.env,
    signal: controller.signal,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
}
