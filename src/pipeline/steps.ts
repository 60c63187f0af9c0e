/**
 * What a feature is to the request path: an option that switches it on, and the steps it adds, each at one moment
 * of the path (the moments are listed in src/README.md, "The request path"). The runners (one.ts for a single request,
 * many.ts for --input) call the steps of the run at their moments and know no feature by name; features.ts is the
 * one list of features. Modelled on got's hooks: a list of functions per moment, chosen by options, not branches.
 */
import type { Ending } from '../core/errors.js';
import type { ResultRecord } from '../core/outcome.js';
import { resultOf, type Judged, type Result, type Settled } from '../core/result.js';
import type { CommandOptions, Envelope, MessageKind } from '../messages/kind.js';
import type { Output } from '../output/render.js';
import type { Connection } from '../connection/settings.js';

/** What a feature sees of the run it joins. */
export interface Run {
  readonly kind: MessageKind;
  /** The command's own options, as commander holds them. */
  readonly options: CommandOptions;
  /** --input: one request per line of a stream, not one request. */
  readonly many: boolean;
  readonly output: Output;
  readonly signal: AbortSignal;
}

/** A question asked after an answer, whose answer decides the request's record. */
export interface FollowUp {
  /** The question, or none when nothing is left to ask: then `judge` decides at once. */
  readonly question?: { kind: MessageKind; request: Envelope<'request'> };
  /** The question's answer, or how the wait for it ended (undefined: none was asked), judged as the request was (a
   * single request's, or a line's) -> the request's result, and what its record adds. */
  judge(answer: Settled | undefined, judged: Judged): { result: Result; extra: Readonly<Record<string, unknown>> };
}

/** Answers given here, in place of a station over a broker: the whole deliver step. */
export interface LocalAnswers {
  /** Said on stderr before the first answer, so that nobody takes it for a station's. */
  begin(): void;
  /** Why a stream's line cannot be answered here (one that names a station); undefined: it can. */
  refuseLine(station: string | undefined): string | undefined;
  /** The answer to a request of `kind` (the run's message, or a follow-up's), and where the record says it came from
   * (what comes with it included). */
  answer(kind: MessageKind, request: Envelope<'request'>): { response: Envelope<'response'>; source: Readonly<Record<string, unknown>> };
}

/** The steps one feature adds, each optional. */
export interface Step {
  /** Deliver: answers here, so that nothing connects (connection settings are not even read). */
  readonly answers?: LocalAnswers;
  /** Check: after a request is built and checked, a refusal if this step cannot work with it (nothing is sent; a
   * stream records the line as invalid input). */
  refuse?(request: Envelope<'request'>): string | undefined;
  /** A single request, about to be published to `connection`: what must be in place before it goes. */
  sending?(request: Envelope<'request'>, connection: Connection): Promise<void>;
  /** Outcome: an answer was judged; a question to ask next, whose answer decides the record (undefined: it stands). */
  followUp?(request: Envelope<'request'>, result: Result): FollowUp | undefined;
  /** Show: a single request's record is shown; what the command does next, and how it ends (undefined: now). */
  after?(record: ResultRecord): Promise<Ending> | undefined;
  /** The run is over, however it ended: let go of what the step holds. */
  close?(): Promise<void>;
}

/**
 * An answer judged (core/result.ts), and a step's follow-up question asked (by `ask`, the way the request was) and
 * judged in turn: the request's result, and what its record adds. The correlator of a stream over MQTT does the same
 * as answers come, without a promise per line.
 */
export async function judgeAnswer(
  kind: MessageKind,
  request: Envelope<'request'>,
  settled: Settled,
  judged: Judged,
  steps: Steps,
  ask: (kind: MessageKind, request: Envelope<'request'>) => Promise<Settled>,
): Promise<{ result: Result; extra?: Readonly<Record<string, unknown>> }> {
  const result = resultOf(kind, settled, judged);
  const next = steps.followUp(request, result);
  if (next === undefined) return { result };
  const answer = next.question === undefined ? undefined : await ask(next.question.kind, next.question.request);
  return next.judge(answer, judged);
}

/** A feature, as features.ts registers it. */
export interface Feature {
  /** The option of the command that switches it on. */
  readonly option: string;
  /** For a single request only: with --input it is refused, naming its flag. */
  readonly single?: boolean;
  /** Its module, loaded only when it is on. */
  load(): Promise<{ open(run: Run): Promise<Step> }>;
}

/** The steps of one run, called at their moments by the runners. */
export class Steps {
  constructor(private readonly all: readonly Step[]) {}

  /** Each feature that is on, in the list's order, opened for the run (its refusals of the options come first). */
  static async open(features: readonly Feature[], run: Run): Promise<Steps> {
    const on = features.filter((feature) => run.options[feature.option] === true);
    const steps: Step[] = [];
    for (const feature of on) steps.push(await (await feature.load()).open(run));
    return new Steps(steps);
  }

  get answers(): LocalAnswers | undefined {
    return this.all.find((step) => step.answers)?.answers;
  }

  refuse(request: Envelope<'request'>): string | undefined {
    for (const step of this.all) {
      const refusal = step.refuse?.(request);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }

  async sending(request: Envelope<'request'>, connection: Connection): Promise<void> {
    for (const step of this.all) await step.sending?.(request, connection);
  }

  followUp(request: Envelope<'request'>, result: Result): FollowUp | undefined {
    for (const step of this.all) {
      const next = step.followUp?.(request, result);
      if (next !== undefined) return next;
    }
    return undefined;
  }

  async after(record: ResultRecord): Promise<Ending | undefined> {
    let ending: Ending | undefined;
    for (const step of this.all) ending = (await step.after?.(record)) ?? ending;
    return ending;
  }

  async close(): Promise<void> {
    for (const step of this.all) await step.close?.();
  }
}
