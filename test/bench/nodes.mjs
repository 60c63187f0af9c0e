#!/usr/bin/env node
// npm run bench:nodes [-- --runs N]
//
// test/bench/single.mjs once per Node line operators run besides this one (22 and 24, test/nodes/install.mjs
// installs them): the same table, each command against that Node's own `node -e 0`. The package is built once, on
// this Node, as it is packed; on the others the first run of each command makes the user's code cache
// (src/launch/user-cache.ts) and the timed runs start from it, as an operator's second run would.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const installed = spawnSync(process.execPath, [here('../nodes/install.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (installed.status !== 0) process.exit(installed.status ?? 1);
let status = 0;
for (const node of installed.stdout.trim().split(':')) {
  console.log(`\n## ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()}\n`);
  const run = spawnSync(node, [here('./single.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
  status ||= run.status ?? 1;
}
process.exit(status);
