/**
 * The questions, key by key, with @inquirer/testing's screen: the real prompts render into a virtual terminal. Each
 * answer is checked by the flag's own code, so the messages here are the flags' messages.
 */
import { screen } from '@inquirer/testing/vitest';
import { describe, expect, it } from 'vitest';
import { askPassword, confirmSend } from '../../src/messages/prompts.js';
import { NOTHING_CHOSEN, askSelector } from '../../src/messages/clear/prompts.js';
import { askProfile } from '../../src/messages/set/prompts.js';
import { set } from '../../src/messages/set/index.js';
import { buildRequest } from '../../src/messages/kind.js';
import { clear } from '../../src/messages/clear/index.js';
import { InterruptedError } from '../../src/core/errors.js';
import { PassThrough } from 'node:stream';

const streams = () => ({ input: new PassThrough(), output: new PassThrough(), signal: new AbortController().signal });
const ID = () => '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

describe('askSelector', () => {
  it('by id: an invalid id is refused with the --id message and asked again', async () => {
    const answer = askSelector(clear, streams(), () => undefined);
    expect(screen.getScreen()).toContain('What to clear?');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Charging profile id:');
    screen.type('-1');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('-1 is not allowed; expected an integer from 0 to 2147483647');
    screen.keypress('backspace');
    screen.keypress('backspace');
    screen.type('42');
    screen.keypress('enter');
    await expect(answer).resolves.toEqual({ id: '42' });
  });

  it('by criteria: an EVSE with a space is refused with the --evse message; purpose "any" leaves it out', async () => {
    const answer = askSelector(clear, streams(), () => undefined);
    screen.keypress('down');
    screen.keypress('enter');
    await screen.next();
    screen.type('GB SEV');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('"GB SEV" is not allowed; expected a non-empty EVSE id without spaces or control characters');
    // In the prompt's words: no flag the operator never typed.
    expect(screen.getScreen()).not.toContain('--evse');
    for (let i = 0; i < 4; i++) screen.keypress('backspace');
    screen.type('*SEV');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Purpose:');
    screen.keypress('enter');
    await screen.next();
    screen.type('2');
    screen.keypress('enter');
    await expect(answer).resolves.toEqual({ evse: 'GB*SEV', stackLevel: '2' });
  });

  it('by criteria: nothing at all goes back to the first question, said in its words (K10.FR.02); ChargingStationExternalConstraints is warned about (K10.FR.06)', async () => {
    const warnings: string[] = [];
    const answer = askSelector(clear, streams(), (message) => warnings.push(message));
    screen.keypress('down');
    screen.keypress('enter');
    await screen.next();
    screen.keypress('enter');
    await screen.next();
    screen.keypress('enter'); // any purpose
    await screen.next();
    screen.keypress('enter');
    await screen.next();
    // Said in the questions' words, not the flags', and back to the first question: an EVSE can be named now.
    expect(warnings).toEqual([NOTHING_CHOSEN]);
    expect(NOTHING_CHOSEN).not.toMatch(/--/);
    expect(screen.getScreen()).toContain('What to clear?');
    screen.keypress('down');
    screen.keypress('enter');
    await screen.next();
    screen.type('E1');
    screen.keypress('enter');
    await screen.next();
    screen.keypress('enter'); // any purpose
    await screen.next();
    screen.keypress('enter'); // any stack level
    await expect(answer).resolves.toEqual({ evse: 'E1' });
    warnings.length = 0;

    const second = askSelector(clear, streams(), (message) => warnings.push(message));
    screen.keypress('down');
    screen.keypress('enter');
    await screen.next();
    screen.keypress('enter');
    await screen.next();
    screen.keypress('down');
    screen.keypress('enter');
    await screen.next();
    expect(warnings).toEqual([expect.stringContaining('K10.FR.06 forbids clearing ChargingStationExternalConstraints')]);
    screen.keypress('enter');
    await expect(second).resolves.toEqual({ purpose: 'ChargingStationExternalConstraints' });
  });

  it('Ctrl-C is an interruption: exit 130, nothing sent', async () => {
    const answer = askSelector(clear, streams(), () => undefined);
    screen.keypress({ name: 'c', ctrl: true });
    const error = await answer.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect((error as Error).message).toBe('interrupted: nothing was sent');
  });
});

describe('confirmSend', () => {
  it('defaults to Yes for one EVSE or one id', async () => {
    const answer = confirmSend(clear.confirmation(buildRequest(clear, { evse: 'E1', purpose: 'TxProfile' }, ID))!, streams());
    expect(screen.getScreen()).toContain('Send it? (Y/n)');
    screen.keypress('enter');
    await expect(answer).resolves.toBe(true);
  });

  it('defaults to No when no EVSE is named: the request reaches every EVSE of the station', async () => {
    const answer = confirmSend(clear.confirmation(buildRequest(clear, { purpose: 'TxProfile' }, ID))!, streams());
    expect(screen.getScreen()).toContain('every EVSE of the station. Send it? (y/N)');
    screen.keypress('enter');
    await expect(answer).resolves.toBe(false);
  });
});

describe('askPassword', () => {
  it('masks what is typed and refuses an empty answer', async () => {
    const answer = askPassword(streams(), 'operator at mqtt://broker:1883');
    expect(screen.getScreen()).toContain('Password for operator at mqtt://broker:1883:');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('a password is needed');
    screen.type('hunter2');
    expect(screen.getScreen()).not.toContain('hunter2');
    screen.keypress('enter');
    await expect(answer).resolves.toBe('hunter2');
    expect(await screen.getFullOutput()).not.toContain('hunter2');
  });
});

describe('askProfile (scp set on a terminal)', () => {
  it('builds one period from the answers, each checked as its flag would be', async () => {
    const answer = askProfile(set, streams(), () => undefined);
    expect(screen.getScreen()).toContain('EVSE id (empty: the whole station):');
    screen.type('3');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Purpose:');
    expect(screen.getScreen()).not.toContain('ChargingStationExternalConstraints');
    screen.keypress('enter'); // TxDefaultProfile, the default
    await screen.next();
    screen.type('7');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('Limit (16A, 7400W or 7.4kW):');
    screen.type('11');
    screen.keypress('enter');
    await screen.next();
    expect(screen.getScreen()).toContain('"11" is not allowed; expected a number with its unit');
    screen.type('kW');
    screen.keypress('enter');
    await screen.next();
    screen.keypress('enter'); // stack level 0
    const input = await answer;
    expect(input).toMatchObject({ evse: '3', purpose: 'TxDefaultProfile', id: '7', limit: '11kW', stackLevel: '0' });
    expect(buildRequest(set, input, ID).data.charging_profile.charging_schedule[0]!.charging_schedule_period).toEqual([{ start_period: 0, limit: 11000 }]);
  });

  it('asks for the transaction of a TxProfile, and starts again when K01 refuses the whole (no EVSE)', async () => {
    const warnings: string[] = [];
    const answer = askProfile(set, streams(), (message) => warnings.push(message));
    const txProfile = async (evse: string) => {
      if (evse) screen.type(evse);
      screen.keypress('enter');
      await screen.next();
      screen.keypress('down'); // from TxDefaultProfile, the default, to TxProfile
      screen.keypress('enter');
      await screen.next();
      expect(screen.getScreen()).toContain('Transaction id:');
      screen.type('tx-1');
      screen.keypress('enter');
      await screen.next();
      screen.type('9');
      screen.keypress('enter');
      await screen.next();
      screen.type('16A');
      screen.keypress('enter');
      await screen.next();
      screen.keypress('enter');
    };
    await txProfile('');
    await screen.next();
    expect(warnings).toEqual([expect.stringMatching(/^evse_id \(--evse\): required for a TxProfile.*; again from the start$/)]);
    expect(screen.getScreen()).toContain('EVSE id');
    await txProfile('E1');
    await expect(answer).resolves.toMatchObject({ evse: 'E1', purpose: 'TxProfile', transaction: 'tx-1', id: '9', limit: '16A' });
  });
});
