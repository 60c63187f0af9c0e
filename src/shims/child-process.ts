/**
 * Stands in for `node:child_process` in the bundle (`--alias:node:child_process=...`). commander imports it at start,
 * for executable subcommands that scp does not have, and the launcher for the hand-over to OpenSSH's scp; loading
 * it eagerly pulls in Node's child-process, dgram and socket internals on every run, `--help` included. This defers
 * the load to the first call, which most runs never make. (spawnSync: @inquirer's editor prompt, which scp never shows.)
 */
import { createRequire } from 'node:module';

// The bundle is CommonJS (see src/build/build.mjs): __filename is the bundle's own path.
const real = () => createRequire(__filename)('node:child_process') as typeof import('node:child_process');

export const spawn = ((...args: Parameters<typeof import('node:child_process').spawn>) =>
  real().spawn(...args)) as typeof import('node:child_process').spawn;
export const spawnSync = ((...args: Parameters<typeof import('node:child_process').spawnSync>) =>
  real().spawnSync(...args)) as typeof import('node:child_process').spawnSync;
