/**
 * The questions `scp clear` asks on a terminal (its registry entry's `ask`, loaded only then). Every answer is checked
 * by the same code, with the same words, as the flag that would have given it (selectorProblem).
 */
import { input, select } from '@inquirer/prompts';
import { PURPOSES } from '../core/fields.js';
import { selectorProblem, selectorWarnings, type ClearSelectorInput } from '../messages/clear.js';
import { asking, verdict, type PromptStreams } from './prompts.js';

const ANY = 'any';

/** Said in the questions' words when no criterion was given: K10.FR.02 forbids a clear of everything. */
export const NOTHING_CHOSEN =
  'nothing narrows this clear: choose an EVSE, a purpose or a stack level (OCPP 2.0.1 K10.FR.02: a station refuses to clear everything at once), or one profile by its id';

/**
 * By id, or by criteria with at least one criterion (K10.FR.02). Criteria with none at all go back to the first
 * question, with that said in the questions' words, so the operator can name an EVSE or choose an id instead.
 */
export async function askSelector(streams: PromptStreams, warn: (message: string) => void): Promise<ClearSelectorInput> {
  const context = { input: streams.input, output: streams.output, signal: streams.signal };
  return asking(streams, async () => {
    for (;;) {
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
      const chosen = await askCriteria(context, warn);
      if (Object.keys(chosen).length > 0) return chosen;
      warn(NOTHING_CHOSEN);
    }
  });
}

/** EVSE, purpose and stack level, each optional; each answer checked as its flag would be. */
async function askCriteria(context: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; signal: AbortSignal }, warn: (message: string) => void): Promise<ClearSelectorInput> {
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
    { message: 'Stack level (empty: any):', validate: (value) => (value === '' ? true : verdict(selectorProblem({ ...chosen, stackLevel: value }))) },
    context,
  );
  return { ...chosen, ...(stackLevel === '' ? {} : { stackLevel }) };
}
