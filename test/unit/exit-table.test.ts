// One exit table (issue #28): every command's help and `scp --help` print help.ts exitRows, made from
// errors.ts EXIT_MEANINGS and each registry entry's `outcomes`; the README's table must say the same, row by row.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitRows } from '../../src/help.js';
import { MESSAGES } from '../../src/messages/index.js';
import { EXIT } from '../../src/core/errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's exit table, as [code, meaning] with Markdown's backticks and bold taken out. */
function readmeRows(): Array<[number, string]> {
  const section = readme.slice(readme.indexOf('\n## Exit codes'), readme.indexOf('\n## ', readme.indexOf('\n## Exit codes') + 1));
  return [...section.matchAll(/^\| (\d+) \| (.*) \|$/gm)].map((match) => [Number(match[1]), match[2]!.replaceAll('`', '').replaceAll('**', '')]);
}

describe('the exit table', () => {
  it('in the README is the one help prints, row by row (0 and 1 in each message\'s words)', () => {
    const rows = exitRows(MESSAGES).map(([code, lines]) => [code, lines.join('; ')]);
    expect(readmeRows()).toEqual(rows);
  });

  it('names every message of the registry under 0 and 1, and every exit status scp uses', () => {
    const rows = new Map(exitRows(MESSAGES));
    for (const message of MESSAGES) {
      expect(rows.get(0)).toContain(`${message.command}: ${message.outcomes.accepted}`);
      expect(rows.get(1)).toContain(`${message.command}: ${message.outcomes.other}`);
    }
    const said = [...rows.keys()];
    for (const code of Object.values(EXIT)) expect(said.includes(code) || code === EXIT.terminated).toBe(true);
  });
});
