/**
 * A PATH of our own, for running `scp` the way a shell finds it: a folder of the few tools the launcher and the
 * stand-ins need (so the machine's /usr/bin/scp is never reached by accident), a stand-in for OpenSSH's scp that
 * prints its arguments and stdin and exits 7, and a `node` that counts its starts, for proving a hand-over never loops.
 */
import { execSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, finished, sleep, type RunResult } from './run.js';

export interface PathWorld {
  dir: string;
  /** node and the few commands the stand-ins and pnpm's shims use: always last in PATH. */
  tools: string;
  /** Holds the stand-in `scp` for OpenSSH's. */
  openssh: string;
  /** Holds a `node` that records each start and refuses a sixth (a fuse, so a failing test cannot storm). */
  counted: string;
  remove(): void;
}

/** Writes an executable file. */
export function script(path: string, body: string): string {
  writeFileSync(path, body);
  chmodSync(path, 0o755);
  return path;
}

export function makePathWorld(prefix = 'scp-path-'): PathWorld {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const [tools, openssh, counted] = ['tools', 'openssh', 'counted'].map((name) => join(dir, name)) as [string, string, string];
  for (const d of [tools, openssh, counted, join(dir, 'starts')]) mkdirSync(d);
  symlinkSync(process.execPath, join(tools, 'node'));
  for (const tool of ['cat', 'sleep', 'dirname', 'sed', 'uname']) symlinkSync(execSync(`command -v ${tool}`, { shell: '/bin/sh' }).toString().trim(), join(tools, tool));
  // Arguments one per line, then its stdin; a TERM is reported and ends it with 9.
  script(
    join(openssh, 'scp'),
    '#!/bin/sh\ntrap \'echo "got TERM"; exit 9\' TERM\nfor a in "$@"; do printf "arg:%s\\n" "$a"; done\nif [ "$1" = "-wait" ]; then echo ready; i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; echo "no TERM came"; exit 1; fi\ncat\nexit 7\n',
  );
  const starts = join(dir, 'starts');
  script(
    join(counted, 'node'),
    `#!/bin/sh\ni=1\nwhile [ -e "${starts}/$i" ]; do i=$((i+1)); done\n: > "${starts}/$i"\n[ $i -gt 5 ] && exit 99\nexec "${process.execPath}" "$@"\n`,
  );
  return { dir, tools, openssh, counted, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `name` found through `path` (then the world's tools), as a shell would. */
export function viaPath(world: PathWorld, name: string, args: string[], path: string[], { stdin = '', env = {} as Record<string, string> } = {}) {
  const child = spawn(name, args, { env: cleanEnv({ ...env, PATH: [...path, world.tools].join(':') }) });
  const done = finished(child);
  child.stdin.end(stdin);
  return { child, done };
}

/** Like viaPath with the counting `node` first; resolves with the run and how many node processes it started. */
export async function countedRun(world: PathWorld, name: string, args: string[], path: string[], env: Record<string, string> = {}): Promise<{ run: RunResult; nodes: number }> {
  const starts = join(world.dir, 'starts');
  rmSync(starts, { recursive: true, force: true });
  mkdirSync(starts);
  const run = await viaPath(world, name, args, [world.counted, ...path], { env }).done;
  // Anything still starting after the first process ended would be a storm going on behind our back.
  await sleep(300);
  return { run, nodes: readdirSync(starts).length };
}
