import { describe, expect, it } from 'vitest';
import { promptPolicy } from '../../src/pipeline/prompt-policy.js';
import { clear, clearsEveryEvse } from '../../src/messages/clear/index.js';
import { buildRequest, inputProblem } from '../../src/messages/kind.js';
import { givesInput } from '../../src/pipeline/build.js';
import type { ClearSelectorInput } from '../../src/messages/clear/input.js';

const buildClearRequest = (input: ClearSelectorInput, newId: () => string) => buildRequest(clear, input, newId);
const selectorProblem = (input: ClearSelectorInput) => inputProblem(clear, input);

const ID = () => '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const tty = { stdinIsTTY: true, stdoutIsTTY: true, noInput: false, env: {} };

describe('promptPolicy: a script, a pipe or CI is never asked anything', () => {
  it('asks only with a terminal on both stdin and stdout', () => {
    expect(promptPolicy(tty)).toEqual({ allowed: true });
    expect(promptPolicy({ ...tty, stdinIsTTY: false })).toEqual({ allowed: false, reason: 'stdin is not a terminal' });
    expect(promptPolicy({ ...tty, stdoutIsTTY: false })).toEqual({ allowed: false, reason: 'stdout is not a terminal' });
  });

  it('--no-input and CI win over a terminal', () => {
    expect(promptPolicy({ ...tty, noInput: true })).toEqual({ allowed: false, reason: '--no-input was given' });
    for (const value of ['true', '1', 'yes', 'github']) {
      expect(promptPolicy({ ...tty, env: { CI: value } })).toEqual({ allowed: false, reason: 'CI is set' });
    }
    for (const value of ['', '0', 'false', 'FALSE']) expect(promptPolicy({ ...tty, env: { CI: value } })).toEqual({ allowed: true });
  });
});

describe('the checks prompts share with flags', () => {
  it('selectorProblem says exactly what the flag would', () => {
    expect(selectorProblem({ id: '7' })).toBeUndefined();
    expect(selectorProblem({ id: '' })).toBe('--id: "" is not allowed; expected an integer from 0 to 2147483647');
    expect(selectorProblem({ id: '2147483648' })).toBe('--id: 2147483648 is not allowed; expected an integer from 0 to 2147483647');
    expect(selectorProblem({ evse: 'a b' })).toMatch(/^--evse: "a b" is not allowed/);
    expect(selectorProblem({ stackLevel: '-1' })).toMatch(/^--stack-level: -1 is not allowed/);
    expect(selectorProblem({})).toMatch(/^nothing to clear: .*K10\.FR\.02/);
    for (const input of [{ id: '1.5' }, { evse: '' }, { stackLevel: 'x' }, {}]) {
      expect(() => buildClearRequest(input, ID)).toThrow(selectorProblem(input)!);
    }
  });

  it('givesInput (an option says what to send) and clearsEveryEvse', () => {
    expect(givesInput(clear, {})).toBe(false);
    expect(givesInput(clear, { dryRun: true })).toBe(false);
    expect(givesInput(clear, { stackLevel: '0' })).toBe(true);
    expect(clearsEveryEvse(buildClearRequest({ id: '1' }, ID))).toBe(false);
    expect(clearsEveryEvse(buildClearRequest({ evse: 'E1' }, ID))).toBe(false);
    expect(clearsEveryEvse(buildClearRequest({ purpose: 'TxProfile' }, ID))).toBe(true);
  });
});
