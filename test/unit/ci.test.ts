/**
 * What CI runs beyond the README's two commands (issue #33): the shells the completion tests need are installed
 * where they are missing, and required there (a missing one fails instead of skipping); the README says they are
 * optional elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('.ci/run', () => {
  it('runs the README\'s install and test commands, exactly', () => {
    const [install, test] = [...readme.matchAll(/```sh\n(npm [^\n]*)\n```/g)].map((match) => match[1]);
    expect([install, test]).toEqual(['npm ci && npm run demo', 'npm test']);
    expect(ci).toMatch(new RegExp(`^${install!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(ci).toMatch(/^npm test$/m);
  });

  it('installs zsh and fish where missing and requires them before npm test, so CI never skips their tests', () => {
    expect(ci).toMatch(/command -v zsh >\/dev\/null \|\| need="\$need zsh"/);
    expect(ci).toMatch(/command -v fish >\/dev\/null \|\| need="\$need fish"/);
    expect(ci.indexOf('export SCP_TEST_SHELLS=required')).toBeGreaterThan(-1);
    expect(ci.indexOf('export SCP_TEST_SHELLS=required')).toBeLessThan(ci.search(/^npm test$/m));
  });

  it('runs the built package on Node 22 and 24 with the binaries test/nodes/install.mjs pins (#47)', () => {
    expect(ci).toMatch(/^SCP_TEST_NODES="\$\(node test\/nodes\/install\.mjs\)"$/m);
    expect(ci).toMatch(/^npm run test:nodes$/m);
    const pinned = readFileSync(new URL('../nodes/install.mjs', import.meta.url), 'utf8');
    expect(/NODES = \[([^\]]*)\]/.exec(pinned)?.[1]).toMatch(/^'22\.\d+\.\d+', '24\.\d+\.\d+'$/);
  });

  it('the README says which of what the tests use is optional', () => {
    expect(readme).toMatch(/Optional: `zsh` and `fish`/);
  });
});
