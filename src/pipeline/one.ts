/**
 * One request (`scp clear --id 1`), through the request path: build (options, files or questions) -> check (the
 * message's rules, then the steps' refusals) -> deliver (a step that answers here, else one exchange over MQTT) ->
 * outcome (core/result.ts, as for a stream's line) -> a step's follow-up question, if any -> record -> show, and what
 * a step does after. Which steps there are is features.ts's; this runner calls them at their moments by kind.
 */
import { InterruptedError, UsageError, type Ending } from '../core/errors.js';
import { recordOf } from '../core/result.js';
import { stationTopics } from '../core/fleet.js';
import { messageTopics, topicFlags, type CommandOptions, type Envelope, type MessageKind } from '../messages/kind.js';
import { refuseUnmet } from '../options.js';
import { showRequest, showResult } from '../output/result.js';
import { checkConnectionFlags, type ConnectionFlags } from '../connection/settings.js';
import { elapsedMs } from '../transport/clock.js';
import { Asking, chooseRequest, confirmIfAsked, readOptionFiles } from './build.js';
import type { RequestContext } from './context.js';
import { FEATURES } from './features.js';
import type { Ask } from './online.js';
import { Steps, judgeAnswer, type LocalAnswers } from './steps.js';

/** A single request's options: what its message reads, and --dry-run and --yes. */
export type RequestOptions = CommandOptions & { dryRun: boolean; yes?: boolean };

/** Answers given here by a step: nothing connects. */
function askedHere(answers: LocalAnswers): Ask {
  return async (kind, request, attempt) => {
    attempt?.();
    const { response, source } = answers.answer(kind, request);
    return { settled: { kind: 'answer', response }, source };
  };
}

/** The connection, the confirmation and what steps put in place before the request goes; then how it is asked. */
async function goingOnline(kind: MessageKind, request: Envelope<'request'>, options: RequestOptions, flags: ConnectionFlags, route: Route, ctx: RequestContext, steps: Steps, asking: Asking) {
  const { asker, connectionFor } = await import('./online.js');
  const connection = { ...(await connectionFor(flags, route.settings, ctx)), ...route.topics };
  await confirmIfAsked(kind, request, connection, flags.profileName, options.yes === true, ctx, asking);
  await steps.beforeSend(request, connection);
  return { ask: asker(connection, ctx, asking), station: connection.station };
}

/** Online: the connection settings, checked, and the request's topics (its station's, where they name {station}). */
type Route = { settings: ReturnType<typeof checkConnectionFlags>; topics: ReturnType<typeof stationTopics> };

export async function runOne(kind: MessageKind, options: RequestOptions, flags: ConnectionFlags, ctx: RequestContext): Promise<Ending> {
  const { output } = ctx;
  refuseUnmet(kind.options, options);
  const steps = await Steps.open(FEATURES, { kind, options, flags, output, env: ctx.env, signal: ctx.signal, many: false });
  try {
    const files = await readOptionFiles(kind, options, () => ctx.terminal.stdin);
    const here = steps.answers;
    // Online, the message's own topics (service_status: the station's general ones) in the Smart Charging pair's
    // place; where they name {station}, the one --station names. Refused before anything is built, as a dry run would.
    let route: Route | undefined;
    if (!here) {
      const settings = messageTopics(kind, checkConnectionFlags(flags));
      route = { settings, topics: stationTopics(settings, flags.station, '--station', topicFlags(kind)) };
    }
    const asking = new Asking(ctx);
    const request = await chooseRequest(kind, options, files, ctx, asking);
    const refusal = steps.refuse(request);
    if (refusal !== undefined) throw new UsageError(refusal);
    if (options.dryRun) {
      showRequest(output, request);
      return {};
    }

    here?.begin();
    const { ask, station } = here ? { ask: askedHere(here), station: undefined } : await goingOnline(kind, request, options, flags, route!, ctx, steps, asking);
    const clock = ctx.now ?? elapsedMs;
    let started = clock();
    // Each try starts the clock again; one that is to be published is announced to the steps first.
    const { settled, source } = await ask(kind, request, (broker) => {
      started = clock();
      if (broker !== undefined) steps.publishing(request, { broker, ...(station === undefined ? {} : { station }) });
    });
    const { result, extra } = await judgeAnswer(kind, request, settled, 'request', steps, async (question, asked) => (await ask(question, asked)).settled);
    const record = recordOf(request, result, { elapsedMs: clock() - started, source, ...(station === undefined ? {} : { station }), ...(extra ? { extra } : {}) });
    steps.recorded(record);
    showResult(output, record, kind, options);
    steps.ended({ outcomes: new Map([[record.outcome, 1]]), interrupted: result.error instanceof InterruptedError });
    return (await steps.after(record)) ?? { outcomes: [record.outcome], error: result.error };
  } finally {
    await steps.close();
  }
}
