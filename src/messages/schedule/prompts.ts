/**
 * The question `scp schedule` asks on a terminal when no --evse was given (its registry entry's `ask`, loaded only
 * then): the EVSE, checked by --evse's own code and words. The window and unit stay as the flags (or defaults) say.
 */
import { input } from '@inquirer/prompts';
import { inputProblem, type Envelope, type MessageKind } from '../kind.js';
import type { ScheduleInput } from './input.js';
import { asking, verdict, type PromptStreams } from '../prompts.js';

export async function askEvse(schedule: MessageKind<Envelope<'request'>, Envelope<'response'>, ScheduleInput>, streams: PromptStreams, _warn: (message: string) => void, given: ScheduleInput): Promise<ScheduleInput> {
  const context = { input: streams.input, output: streams.output, signal: streams.signal };
  const evse = await asking(streams, () =>
    input({ message: 'EVSE id (0: the whole station):', validate: (value) => verdict(inputProblem(schedule, { ...given, evse: value })) }, context),
  );
  return { ...given, evse };
}
