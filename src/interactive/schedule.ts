/**
 * The question `scp schedule` asks on a terminal when no --evse was given (its registry entry's `ask`, loaded only
 * then): the EVSE, checked by --evse's own code and words. The window and unit stay as the flags (or defaults) say.
 */
import { input } from '@inquirer/prompts';
import { inputProblem } from '../messages/kind.js';
import { schedule, type ScheduleInput } from '../messages/schedule.js';
import { asking, verdict, type PromptStreams } from './prompts.js';

export async function askEvse(streams: PromptStreams, _warn: (message: string) => void, given: ScheduleInput): Promise<ScheduleInput> {
  const context = { input: streams.input, output: streams.output, signal: streams.signal };
  const evse = await asking(streams, () =>
    input({ message: 'EVSE id (0: the whole station):', validate: (value) => verdict(inputProblem(schedule, { ...given, evse: value })) }, context),
  );
  return { ...given, evse };
}
