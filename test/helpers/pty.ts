/**
 * Runs a shell command on a real pseudo-terminal, as an operator at a terminal would, with util-linux `script`: the
 * test types into it and reads the screen. `script -e` exits with the command's own status.
 */
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { SCP_BIN, cleanEnv } from './run.js';

export interface Pty {
  /** Everything the terminal showed so far, escape sequences removed. */
  screen(): string;
  /** What the terminal showed, as written (colours, carriage returns, cursor moves). */
  raw(): string;
  /** Resolves once the screen matches; rejects after `ms` with what the screen showed. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Types keys: text, '\r' for Enter, '\u0003' for Ctrl-C, '\u001b[B' for the down arrow. */
  type(keys: string): void;
  exited: Promise<number | null>;
}

export const KEY = { enter: '\r', down: '\u001b[B', ctrlC: '\u0003', backspace: '\u007f' } as const;

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** The shell words that run the built scp with these arguments (to embed in a `script` command line). */
export function scpCommand(args: string[]): string {
  return [process.execPath, SCP_BIN, ...args].map(quote).join(' ');
}

export function startPty(command: string, env: Record<string, string | undefined> = {}): Pty {
  // Wide enough that no message wraps: the tests match whole lines.
  const child = spawn('script', ['-qfec', `stty cols 250 rows 50; ${command}`, '/dev/null'], { env: cleanEnv({ TERM: 'xterm-256color', ...env }) });
  let raw = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  });
  child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const screen = () => stripVTControlCharacters(raw).replace(/\r/g, '');
  return {
    screen,
    raw: () => raw,
    type: (keys) => child.stdin.write(keys),
    exited,
    waitFor: (pattern, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(screen())) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the terminal never showed ${pattern}; it showed:\n${screen()}`));
        }, ms);
        waiters.add(check);
        check();
      }),
  };
}

/**
 * The lines a terminal shows for `raw`: a carriage return moves to the start of the line, ESC [K erases from the
 * cursor to its end, and other escape sequences (colours) are dropped. Enough to see whether one line was written
 * over the end of another.
 */
export function rendered(raw: string): string[] {
  const lines: string[] = [];
  let line = '';
  let cursor = 0;
  // CSI sequences (ESC [ ... final byte), carriage returns, newlines, and runs of other text.
  for (const [token] of raw.matchAll(/\u001b\[[0-9;?]*[ -/]*[@-~]|\r|\n|[^\u001b\r\n]+|\u001b/g)) {
    if (token === '\r') cursor = 0;
    else if (token === '\n') {
      lines.push(line);
      line = '';
      cursor = 0;
    } else if (token === '\u001b[K') line = line.slice(0, cursor);
    else if (token.startsWith('\u001b')) continue;
    else {
      line = line.slice(0, cursor) + token + line.slice(cursor + token.length);
      cursor += token.length;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
