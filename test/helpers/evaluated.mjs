// Which modules of the CLI bundle a run of scp evaluated, read from V8's own coverage (NODE_V8_COVERAGE).
//
// dist/scp.cjs is one file (src/build/build.mjs), so "was MQTT.js loaded" means "did its module initialiser run".
// esbuild names each initialiser after its source path (src/transport/client.ts, node_modules/mqtt/...), and V8
// counts the calls of every function: a module ran if its initialiser's count is above zero.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HELP_MODULES = new URL('../../dist/help.modules.json', import.meta.url);

/** A folder for NODE_V8_COVERAGE, and a reader of what the run evaluated; call `done()` to remove it. */
export function coverageDir() {
  const dir = mkdtempSync(join(tmpdir(), 'scp-coverage-'));
  return {
    dir,
    /** Which bundles ran: `scp.cjs`, `help.cjs`. */
    bundles() {
      const ran = new Set();
      for (const file of readdirSync(dir)) {
        for (const script of JSON.parse(readFileSync(join(dir, file), 'utf8')).result) {
          const match = /\/dist\/((?:scp|help)\.cjs)$/.exec(script.url);
          if (match) ran.add(match[1]);
        }
      }
      return [...ran].sort();
    },
    /** Source paths (src/..., node_modules/...) of the bundle's modules that ran: for the help bundle, all of its modules
     * (none of them is lazy: see src/build/build.mjs), as dist/help.modules.json lists them. */
    evaluated() {
      const ran = new Set();
      if (this.bundles().includes('help.cjs')) for (const name of JSON.parse(readFileSync(HELP_MODULES, 'utf8'))) ran.add(name);
      for (const file of readdirSync(dir)) {
        for (const script of JSON.parse(readFileSync(join(dir, file), 'utf8')).result) {
          // The CLI bundle, or the help bundle the launcher runs for help alone (src/build/build.mjs).
          if (!/\/dist\/(scp|help)\.cjs$/.test(script.url)) continue;
          for (const fn of script.functions) {
            if (/^(src|node_modules)\//.test(fn.functionName) && fn.ranges[0].count > 0) ran.add(fn.functionName);
          }
        }
      }
      return ran;
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The lazily loaded parts a flag run must not pay for: MQTT.js and the modules of transport/ that speak MQTT (its
 * others, failover.ts and the clock, ids and file reading every run may use, speak none). */
export const MQTT = (name) => /^src\/transport\/(client|exchange|session|pool|listener)\.ts$/.test(name) || name.startsWith('node_modules/mqtt/');
export const PROMPTS = (name) => name === 'src/messages/prompts.ts' || name.startsWith('node_modules/@inquirer/');
export const SPINNER = (name) => name === 'src/output/spinner.ts';
