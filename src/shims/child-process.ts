/**
 * Stands in for `node:child_process` in the bundle (`--alias:node:child_process=...`). commander imports it at start,
 * for executable subcommands that scp does not have, and the launcher for the hand-over to OpenSSH's scp; loading
 * it eagerly pulls in Node's child-process, dgram and socket internals on every run, `--help` included. This defers
 * the load to the first spawn, which most runs never make.
 */
import { createRequire } from 'node:module';
import type { spawn as Spawn } from 'node:child_process';

export const spawn: typeof Spawn = ((...args: Parameters<typeof Spawn>) =>
  (createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process')).spawn(...args)) as typeof Spawn;
