/**
 * The questions `scp clear` asks on a terminal. Only imported once cli.ts has decided that asking is allowed (see
 * core/terminal.ts), so a script never loads @inquirer/prompts. Every answer is checked by the same code, with the
 * same words, as the flag that would have given it (core/request.ts selectorProblem).
 */
import { confirm, input, password, select } from '@inquirer/prompts';
import { PURPOSES } from '../core/fields.js';
import { clearsEveryEvse, selectorProblem, selectorWarnings, type ClearSelectorInput } from '../messages/clear.js';
import type { ClearChargingProfileRequest } from '../core/generated/types.js';
import { InterruptedError } from '../errors.js';
import { REQUEST_FATE } from '../core/outcome.js';

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM from outside (a Ctrl-C typed into a prompt arrives as a key, not a signal). */
  signal: AbortSignal;
}

const ANY = 'any';

/** Ctrl-C in a prompt is an interruption like any other: exit 130, nothing sent, no stack trace. */
async function asking<T>(streams: PromptStreams, question: () => Promise<T>): Promise<T> {
  try {
    return await question();
  } catch (err) {
    const name = (err as Error | undefined)?.name;
    if (name === 'ExitPromptError') throw new InterruptedError(`interrupted: ${REQUEST_FATE.before}`, 'SIGINT');
    if (name === 'AbortPromptError') throw new InterruptedError(`interrupted: ${REQUEST_FATE.before}`, streams.signal.reason);
    throw err;
  }
}

/** `true` when fine, else the flag's own message: inquirer shows it under the prompt and asks again. */
const verdict = (problem: string | undefined): true | string => problem ?? true;

/** Walks the operator through what to clear: by id, or by criteria with at least one criterion (K10.FR.02). */
export async function askSelector(streams: PromptStreams, warn: (message: string) => void): Promise<ClearSelectorInput> {
  const context = { input: streams.input, output: streams.output, signal: streams.signal };
  return asking(streams, async () => {
    const how = await select(
      {
        message: 'What to clear?',
        choices: [
          { name: 'One charging profile, by its id', value: 'id' },
          { name: 'The charging profiles that match criteria (EVSE, purpose, stack level)', value: 'criteria' },
        ],
      },
      context,
    );
    if (how === 'id') {
      const id = await input({ message: 'Charging profile id:', validate: (value) => verdict(selectorProblem({ id: value })) }, context);
      return { id };
    }
    const evse = await input(
      { message: 'EVSE id (empty: every EVSE):', validate: (value) => (value === '' ? true : verdict(selectorProblem({ evse: value }))) },
      context,
    );
    const purpose = await select(
      {
        message: 'Purpose:',
        choices: [{ name: 'any purpose', value: ANY }, ...PURPOSES.map((value) => ({ name: value, value }))],
      },
      context,
    );
    const chosen: ClearSelectorInput = {
      ...(evse === '' ? {} : { evse }),
      ...(purpose === ANY ? {} : { purpose }),
    };
    if (chosen.purpose !== undefined) for (const warning of selectorWarnings(chosen)) warn(warning);
    const stackLevel = await input(
      {
        message: 'Stack level (empty: any):',
        // Empty is fine only if something else narrows the request: K10.FR.02, worded as for the flags.
        validate: (value) => verdict(selectorProblem({ ...chosen, ...(value === '' ? {} : { stackLevel: value }) })),
      },
      context,
    );
    return { ...chosen, ...(stackLevel === '' ? {} : { stackLevel }) };
  });
}

/** The last word before publishing; No by default when the request reaches every EVSE of the station. */
export async function confirmSend(request: ClearChargingProfileRequest, streams: PromptStreams): Promise<boolean> {
  const everyEvse = clearsEveryEvse(request);
  return asking(streams, () =>
    confirm(
      {
        message: everyEvse
          ? 'No EVSE is named, so this clears the matching profiles on every EVSE of the station. Send it?'
          : 'Send it?',
        default: !everyEvse,
      },
      { input: streams.input, output: streams.output, signal: streams.signal },
    ),
  );
}

/** Asked only after the broker refused the login; masked, never echoed, and kept by the caller for one retry only. */
export async function askPassword(streams: PromptStreams, who: string): Promise<string> {
  return asking(streams, () =>
    password(
      { message: `Password for ${who}:`, mask: true, validate: (value) => (value === '' ? 'a password is needed (Ctrl-C to give up)' : true) },
      { input: streams.input, output: streams.output, signal: streams.signal },
    ),
  );
}
