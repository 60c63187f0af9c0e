/**
 * The world a command is handed by cli.ts (its output, environment, Ctrl-C), injectable so that tests run the real
 * code, and the process's terminals, where questions would be asked.
 */
import type { Output } from '../output/render.js';
import type { OutStream } from '../output/stdio.js';

/** What every command is handed by cli.ts: the world it may touch. */
export interface CommandContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C or SIGTERM, with the signal's name as reason. */
  signal: AbortSignal;
}

/** Where questions would be asked: the process's terminals, read only when they are needed (cli.ts makes stdin on
 * first use). */
export interface Terminal {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: OutStream;
  readonly env: NodeJS.ProcessEnv;
}

/** A message command's world: the terminals too, and --no-input. */
export interface RequestContext extends CommandContext {
  terminal: Terminal;
  /** --no-input: never ask. */
  noQuestions: boolean;
  /** Injected by tests: the clock of elapsed times, and request ids. */
  now?: () => number;
  newId?: () => string;
}
