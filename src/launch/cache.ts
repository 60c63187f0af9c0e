/**
 * Which of the build's code caches a run uses (src/launch/index.ts loads it with the bundle; src/build/train.mjs
 * makes them). Decided from the words alone, with no IO: the launcher runs this before anything else.
 */

/**
 * The code cache a run should use: `root` for any help (it holds commander's help, the same for every command);
 * else that of the first word of `argv` that is a command with a cache of its own (its `-dry-run` one with
 * --dry-run, when the build made one); else `root`. A value that happens to be a command's name (`--topic-prefix
 * set clear`) picks the wrong cache, which costs a few milliseconds and nothing else.
 */
export function cacheFor(argv: readonly string[], cached: readonly string[]): string {
  if (argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) return 'root';
  const command = argv.find((arg) => cached.includes(arg));
  if (command === undefined) return 'root';
  return argv.includes('--dry-run') && cached.includes(`${command}-dry-run`) ? `${command}-dry-run` : command;
}

/** Where the build writes the code cache `name` of a bundle (`dist/scp.cjs` -> `dist/scp.clear.cache`). */
export function cacheFile(bundle: string, name: string): string {
  return bundle.replace(/\.cjs$/, `.${name}.cache`);
}

/**
 * Whether a run asks for help and nothing else, which the help bundle (dist/help.cjs, the program without what
 * commands load) answers: `--help` or `-h` alone, `help`, `help <command>`, `<command> --help` or `-h`. Any other
 * word and it is the whole CLI's run.
 */
export function asksHelpOnly(argv: readonly string[], commands: readonly string[]): boolean {
  const help = (arg: string | undefined) => arg === '--help' || arg === '-h';
  if (argv.length === 1) return help(argv[0]) || argv[0] === 'help';
  if (argv.length !== 2) return false;
  return (argv[0] === 'help' && commands.includes(argv[1]!)) || (commands.includes(argv[0]!) && help(argv[1]));
}
