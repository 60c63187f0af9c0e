/**
 * The questions `scp set` asks on a terminal (its registry entry's `ask`, loaded only then): a profile with one
 * schedule and one period from now, as the flags would build it. Each answer is checked by the flag's own code and
 * words; a profile the K01 rules refuse is said so, and the questions start again.
 */
import { input, select } from '@inquirer/prompts';
import { PURPOSES } from '../../core/fields.js';
import { inputProblem, type Envelope, type MessageKind } from '../kind.js';
import type { SetInput } from './input.js';
import { asking, verdict, type PromptStreams } from '../prompts.js';

type Context = { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; signal: AbortSignal };
type SetKind = MessageKind<Envelope<'request'>, Envelope<'response'>, SetInput>;

/** Whether one more answer, beside the ones before it, is fine: the words --id or --limit would get. */
function answerProblem(set: SetKind, answers: Omit<SetInput, 'now'>): string | undefined {
  const problem = inputProblem(set, { id: '0', limit: '0W', ...answers, now: new Date() });
  // Only the answer's own refusal: rules about the whole profile are checked once it is complete.
  return problem !== undefined && /^--/.test(problem) ? problem : undefined;
}

async function askOnce(set: SetKind, context: Context): Promise<SetInput> {
  const evse = await input({ message: 'EVSE id (empty: the whole station):', validate: (value) => (value === '' ? true : verdict(answerProblem(set, { evse: value }))) }, context);
  const purpose = await select(
    { message: 'Purpose:', choices: PURPOSES.filter((p) => p !== 'ChargingStationExternalConstraints').map((value) => ({ name: value, value })), default: 'TxDefaultProfile' },
    context,
  );
  const transaction =
    purpose === 'TxProfile' ? await input({ message: 'Transaction id:', validate: (value) => (value === '' ? 'a TxProfile belongs to one transaction' : true) }, context) : '';
  const id = await input({ message: 'Profile id (one with the same id is replaced):', validate: (value) => verdict(answerProblem(set, { id: value })) }, context);
  const limit = await input({ message: 'Limit (16A, 7400W or 7.4kW):', validate: (value) => verdict(answerProblem(set, { limit: value })) }, context);
  const stackLevel = await input({ message: 'Stack level:', default: '0', validate: (value) => verdict(answerProblem(set, { stackLevel: value })) }, context);
  return {
    ...(evse === '' ? {} : { evse }),
    purpose,
    ...(transaction === '' ? {} : { transaction }),
    id,
    limit,
    stackLevel,
    now: new Date(),
  };
}

export async function askProfile(set: SetKind, streams: PromptStreams, warn: (message: string) => void): Promise<SetInput> {
  const context = { input: streams.input, output: streams.output, signal: streams.signal };
  return asking(streams, async () => {
    for (;;) {
      const answers = await askOnce(set, context);
      const problem = inputProblem(set, answers);
      if (problem === undefined) return answers;
      warn(`${problem}; again from the start`);
    }
  });
}
