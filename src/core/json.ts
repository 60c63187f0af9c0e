/**
 * JSON an operator wrote (a config file, `set --file`, `simulate --profiles`, an `--input` line), read one way: when
 * it is not valid, where (line and column, counted from 1 as editors do) and what was found there. JSON.parse's own
 * words differ between Node versions and do not always say where (`Unexpected token '}', "{"a": }" is not valid
 * JSON`), so a failed text is scanned again here for its first error. Pure.
 */

/** Where the string that opens at `start` ends (just after its closing quote); throws where it goes wrong. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text.charCodeAt(i) < 0x20) throw i;
    if (text[i] !== '\\') i++;
    else if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
    else if ('"\\/bfnrt'.includes(text[i + 1] ?? '')) i += 2;
    else throw i;
  }
  if (i >= text.length) throw i;
  return i + 1;
}

/** Where the first syntax error of a text that JSON.parse refused is, and what was there. */
function firstError(text: string): { offset: number; reason: string } {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const word = (literal: string) => (text.startsWith(literal, i) ? (i += literal.length) : fail());
  const string = () => void (i = stringEnd(text, i));
  const number = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!match || match[0] === '-' || match[0] === '') fail();
    i += match![0].length;
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === close) return void i++;
      if (text[i] !== ',') fail();
      i++;
    }
  };
  const member = () => {
    space();
    if (text[i] !== '"') fail();
    string();
    space();
    if (text[i] !== ':') fail();
    i++;
    value();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') return list('}', member);
    if (c === '[') return list(']', value);
    if (c === '"') return string();
    if (c === 't' || c === 'f' || c === 'n') return void word(c === 't' ? 'true' : c === 'f' ? 'false' : 'null');
    return number();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (at) {
    // Not a syntax error: nesting deeper than the stack (JSON.parse refuses it too).
    if (typeof at !== 'number') return { offset: i, reason: 'nested too deep' };
    i = at;
  }
  return { offset: i, reason: `found ${i >= text.length ? 'the end of the text' : JSON.stringify(text[i])}` };
}

/** `not valid JSON at line 3, column 5 (found "}")` */
export function jsonProblem(text: string): string {
  const { offset, reason } = firstError(text);
  const before = text.slice(0, offset).split('\n');
  return `not valid JSON at line ${before.length}, column ${before.at(-1)!.length + 1} (${reason})`;
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: jsonProblem(text) };
  }
}
