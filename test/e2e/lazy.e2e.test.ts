/** The fast paths (help, version, dry run, bad input) must not pay for loading MQTT.js. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCP_BIN, cleanEnv } from '../helpers/run.js';
import { KEY, startPty } from '../helpers/pty.js';

/** The build bundles src/transport/mqtt.ts and MQTT.js into a chunk named after it (chunks/mqtt-HASH.js). */
const loadsMqtt = (specifier: string) => /(^|\/)mqtt(-[A-Z0-9]+\.js)?$/.test(specifier);
/** src/interactive/prompts.ts (with @inquirer/prompts) and src/output/spinner.ts are chunks of their own. */
const loadsPromptsOrSpinner = (specifier: string) => /(^|\/)(prompts|spinner)(-[A-Z0-9]+\.js)?$|@inquirer/.test(specifier);
const tracer = fileURLToPath(new URL('../helpers/trace-imports.mjs', import.meta.url));

function importsOf(args: string[]): { specifiers: string[]; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'scp-trace-'));
  const file = join(dir, 'imports.txt');
  try {
    const run = spawnSync(process.execPath, ['--import', tracer, SCP_BIN, ...args], {
      env: cleanEnv({ SCP_TRACE_FILE: file }),
      encoding: 'utf8',
    });
    return { specifiers: readFileSync(file, 'utf8').split('\n').filter(Boolean), status: run.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('--version', () => {
  it("prints package.json's version", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const run = spawnSync(process.execPath, [SCP_BIN, '--version'], { env: cleanEnv(), encoding: 'utf8' });
    expect(run.stdout).toBe(`${version}\n`);
  });
});

describe('lazy loading', () => {
  for (const args of [['--help'], ['--version'], ['clear', '--id', '1', '--dry-run'], ['clear', '--id', 'x']]) {
    it(`scp ${args.join(' ')} does not load mqtt`, () => {
      const { specifiers, status } = importsOf(args);
      expect(specifiers.some((s) => s.includes('cli.js'))).toBe(true);
      expect(specifiers.filter(loadsMqtt)).toEqual([]);
      expect(status).not.toBeNull();
    });
  }

  it('a real clear does load mqtt (the check above can see it), but neither the prompts nor the spinner', () => {
    const { specifiers } = importsOf(['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '1']);
    expect(specifiers.filter(loadsMqtt)).toHaveLength(1);
    expect(specifiers.filter(loadsPromptsOrSpinner)).toEqual([]);
  });

  it('an interactive clear on a terminal loads the prompts (the check above can see them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scp-trace-'));
    const file = join(dir, 'imports.txt');
    try {
      const pty = startPty(`${process.execPath} --import ${tracer} ${SCP_BIN} clear`, { SCP_TRACE_FILE: file });
      await pty.waitFor(/What to clear\?/);
      pty.type(KEY.ctrlC);
      expect(await pty.exited).toBe(130);
      const specifiers = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(specifiers.filter(loadsPromptsOrSpinner)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
