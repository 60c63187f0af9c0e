/** The README's fault table is the one the matrix runs: change one and this fails until the other follows. */
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { faultTable } from './table.js';

it('README.md shows exactly the fault matrix that test/faults/matrix.test.ts runs', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('| fault | what the user sees | exit |');
  expect(start, 'README.md has no fault table').toBeGreaterThan(-1);
  const table = readme.slice(start).split('\n\n')[0]!.trimEnd();
  expect(table).toBe(faultTable());
});
