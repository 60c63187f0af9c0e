/**
 * The questions `scp clear` asks on a terminal (its registry entry's `ask`, loaded only then). Every answer is checked
 * by the same code, with the same words, as the flag that would have given it (`checksOf`).
 */
import { input, select } from '@inquirer/prompts';
import { PURPOSES } from '../../core/fields.js';
import { CHECK_ID, buildRequest, inputProblem, type Envelope, type MessageKind } from '../kind.js';
import type { ClearSelectorInput } from './input.js';
import { asking, verdict, type PromptStreams } from '../prompts.js';

const ANY = 'any';

type ClearKind = MessageKind<Envelope<'request'>, Envelope<'response'>, ClearSelectorInput>;
type Checks = { problem(input: ClearSelectorInput): string | undefined; warnings(input: ClearSelectorInput): string[] };

/** What an answer gets: the words a flag with that value would get, and the warnings its request would. */
function checksOf(kind: ClearKind): Checks {
  return {
    problem: (input) => inputProblem(kind, input),
    warnings: (input) => kind.warnings(buildRequest(kind, input, () => CHECK_ID)),
  };
}

/** Said in the questions' words when no criterion was given: K10.FR.02 forbids a clear of everything. */
export const NOTHING_CHOSEN =
  'nothing narrows this clear: choose an EVSE, a purpose or a stack level (OCPP 2.0.1 K10.FR.02: a station refuses to clear everything at once), or one profile by its id';

/**
 * By id, or by criteria with at least one criterion (K10.FR.02). Criteria with none at all go back to the first
 * question, with that said in the questions' words, so the operator can name an EVSE or choose an id instead.
 */
export async function askSelector(kind: ClearKind, streams: PromptStreams, warn: (message: string) => void): Promise<ClearSelectorInput> {
  const checks = checksOf(kind);
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
        const id = await input({ message: 'Charging profile id:', validate: (value) => verdict(checks.problem({ id: value })) }, context);
        return { id };
      }
      const chosen = await askCriteria(context, warn, checks);
      if (Object.keys(chosen).length > 0) return chosen;
      warn(NOTHING_CHOSEN);
    }
  });
}

/** EVSE, purpose and stack level, each optional; each answer checked as its flag would be. */
async function askCriteria(context: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; signal: AbortSignal }, warn: (message: string) => void, checks: Checks): Promise<ClearSelectorInput> {
  const evse = await input(
    { message: 'EVSE id (empty: every EVSE):', validate: (value) => (value === '' ? true : verdict(checks.problem({ evse: value }))) },
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
  if (chosen.purpose !== undefined) for (const warning of checks.warnings(chosen)) warn(warning);
  const stackLevel = await input(
    { message: 'Stack level (empty: any):', validate: (value) => (value === '' ? true : verdict(checks.problem({ ...chosen, stackLevel: value }))) },
    context,
  );
  return { ...chosen, ...(stackLevel === '' ? {} : { stackLevel }) };
}
