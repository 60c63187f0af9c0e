/** JSON an operator wrote, read one way (src/core/json.ts): where it breaks, by line and column, on any Node. */
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/core/json.js';

describe('parseJson', () => {
  it('gives the value of valid JSON', () => {
    expect(parseJson('{"a": [1, "x\\u00e9\\n", true, null, -1.5e3]}')).toEqual({ ok: true, value: { a: [1, 'x\u00e9\n', true, null, -1500] } });
  });

  it.each([
    ['{', 'line 1, column 2 (found the end of the text)'],
    ['{\n  "id": 1,\n}', 'line 3, column 1 (found "}")'],
    ['[1, 2,, 3]', 'line 1, column 7 (found ",")'],
    ['{"a": tru}', 'line 1, column 7 (found "t")'],
    ['{"a": "b\\q"}', 'line 1, column 9 (found "\\\\")'],
    ['{"a": 01}', 'line 1, column 8 (found "1")'],
    ["{'a': 1}", 'line 1, column 2 (found "\'")'],
    ['{"a": 1} x', 'line 1, column 10 (found "x")'],
    ['', 'line 1, column 1 (found the end of the text)'],
  ])('%j: not valid JSON at %s', (text, where) => {
    expect(parseJson(text)).toEqual({ ok: false, problem: `not valid JSON at ${where}` });
  });

  it('a nesting deeper than the stack is said, not thrown', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(199_999)}`;
    const read = parseJson(deep);
    expect(read.ok).toBe(false);
  });
});
