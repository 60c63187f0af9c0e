/** The fast paths (help, version, dry run, bad input) must not pay for loading MQTT.js. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCP_BIN, cleanEnv } from '../helpers/run.js';

/** The build bundles src/transport/mqtt.ts and MQTT.js into a chunk named after it (chunks/mqtt-HASH.js). */
const loadsMqtt = (specifier: string) => /(^|\/)mqtt(-[A-Z0-9]+\.js)?$/.test(specifier);
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

  it('a real clear does load mqtt (the check above can see it)', () => {
    const { specifiers } = importsOf(['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '1']);
    expect(specifiers.filter(loadsMqtt)).toHaveLength(1);
  });
});
