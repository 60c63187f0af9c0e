/**
 * The questions `scp clear` asks on a terminal (its registry entry's `ask`, loaded only then). Every answer is checked
 * by the same code, with the same words, as the flag that would have given it (selectorProblem).
 */
import { input, select } from '@inquirer/prompts';
import { PURPOSES } from '../core/fields.js';
import { selectorProblem, selectorWarnings, type ClearSelectorInput } from '../messages/clear.js';
import { asking, verdict, type PromptStreams } from './prompts.js';

const ANY = 'any';

/** By id, or by criteria with at least one criterion (K10.FR.02). */
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

