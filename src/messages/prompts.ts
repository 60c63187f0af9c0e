/**
 * What every interactive run shares: Ctrl-C in a question, the confirmation, the password question. Each message
 * asks its own questions (its registry entry's `ask`, with `asking` and `verdict` from here). Only imported once asking
 * is allowed (see commands/prompt-policy.ts), so a script never loads @inquirer/prompts.
 */
import { confirm, password } from '@inquirer/prompts';
import { InterruptedError } from '../core/errors.js';
import { REQUEST_FATE } from '../core/outcome.js';

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM from outside (a Ctrl-C typed into a prompt arrives as a key, not a signal). */
  signal: AbortSignal;
}

/** Ctrl-C in a prompt is an interruption like any other: exit 130, nothing sent, no stack trace. */
export async function asking<T>(streams: PromptStreams, question: () => Promise<T>): Promise<T> {
  try {
    return await question();
  } catch (err) {
    const name = (err as Error | undefined)?.name;
    if (name === 'ExitPromptError') throw new InterruptedError(`interrupted: ${REQUEST_FATE.before}`, 'SIGINT');
    if (name === 'AbortPromptError') throw new InterruptedError(`interrupted: ${REQUEST_FATE.before}`, streams.signal.reason);
    throw err;
  }
}

/**
 * `true` when fine, else what is wrong: inquirer shows it under the prompt and asks again. In the prompt's words: the
 * question names what is asked, and a flag the operator never typed (`--evse: "a b" is not allowed`) would only
 * puzzle; the rest is the flag's message, from the same check.
 */
export const verdict = (problem: string | undefined): true | string => (problem === undefined ? true : problem.replace(/^--[a-z-]+: /, ''));

/** The last word before publishing, in the message's own words (its registry entry's `confirmation`). */
export async function confirmSend(question: { message: string; yes: boolean }, streams: PromptStreams): Promise<boolean> {
  return asking(streams, () =>
    confirm({ message: question.message, default: question.yes }, { input: streams.input, output: streams.output, signal: streams.signal }),
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
