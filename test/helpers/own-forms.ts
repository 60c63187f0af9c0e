/**
 * Every form of every command, as a user learns them from the help: the commands `scp --help` lists, and for each one
 * the bare command, `-h`, `--help`, and every short option `scp <command> --help` lists. Read from the help of the
 * scp under test (a checkout's or an installed one), never from a list kept here, so a new command is checked the
 * day it appears. With a stand-in OpenSSH scp later in PATH, none of them may reach it.
 */
import type { RunResult } from './run.js';

export type Runner = (args: string[]) => Promise<RunResult>;

/** The command names of a help text's `Commands:` section. */
export function commandsIn(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Commands:');
  if (start === -1) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end === -1 ? undefined : end).flatMap((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1] ?? []);
}

/** The short options (`-y`) a help text lists, as `-y, --yes`. */
export function shortsIn(help: string): string[] {
  return [...new Set([...help.matchAll(/^ {2}(-[A-Za-z0-9]), --/gm)].map((match) => match[1]!))];
}

/** Every form to try, as argument lists: `[clear]`, `[clear, -h]`, `[clear, --help]`, `[clear, -y]`, ... */
export async function ownForms(run: Runner): Promise<{ commands: string[]; forms: string[][] }> {
  const root = await run(['--help']);
  const commands = commandsIn(root.stdout);
  const forms: string[][] = [];
  for (const command of commands) {
    const help = await run([command, '--help']);
    forms.push([command], [command, '--help'], ...new Set(['-h', ...shortsIn(help.stdout)].map((short) => [command, short])));
  }
  return { commands, forms };
}

/** Runs every form, a few at a time; returns those that reached the stand-in (its `arg:` lines, exit 7). */
export async function formsHandedOver(run: Runner, forms: string[][]): Promise<{ form: string; code: number | null; stdout: string }[]> {
  const leaked: { form: string; code: number | null; stdout: string }[] = [];
  for (let i = 0; i < forms.length; i += 6) {
    const batch = forms.slice(i, i + 6);
    const runs = await Promise.all(batch.map((form) => run(form)));
    runs.forEach((result, j) => {
      if (result.code === 7 || /^arg:/m.test(result.stdout)) leaked.push({ form: batch[j]!.join(' '), code: result.code, stdout: result.stdout });
    });
  }
  return leaked;
}

/** OpenSSH's own forms, which must reach it with exactly their arguments (the stand-in prints one `arg:` line each). */
export const OPENSSH_FORMS: readonly string[][] = [
  ['-r', 'dir', 'host:dst'],
  ['file.txt', 'host:'],
  ['-P', '2222', 'f', 'h:/tmp'],
  // A file named like one of our commands, as the README says to copy it.
  ['./set', 'host:'],
  ['set', 'host:/tmp/'],
  ['-v', 'schedule', 'host:'],
];

/** What any scp command run for these checks gets besides PATH: a broker nothing listens on, so a bare `simulate` that
 * stayed ours ends at once (exit 4) instead of serving. */
export const FORMS_ENV: Record<string, string> = { SCP_BROKER_URL: 'mqtt://127.0.0.1:1', SCP_CONNECT_TIMEOUT: '1' };
