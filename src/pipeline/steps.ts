/**
 * What a feature is to the request path: an option that switches it on, and the steps it adds, each at one moment
 * of the path (the moments are listed in src/README.md, "The request path"). The runners (one.ts for a single request,
 * many.ts for --input) call the steps of the run at their moments and know no feature by name; features.ts is the
 * one list of features. Modelled on got's hooks: a list of functions per moment, chosen by options, not branches.
 */
import type { Ending, ScpError } from '../core/errors.js';
import type { ResultRecord, StreamOutcome, StreamRecord } from '../core/outcome.js';
import { resultOf, type Judged, type Result, type Settled } from '../core/result.js';
import type { CommandOptions, Envelope, MessageKind } from '../messages/kind.js';
import type { Output } from '../output/render.js';
import type { Connection, ConnectionFlags } from '../connection/settings.js';

/** What a feature sees of the run it joins. */
export interface Run {
  readonly kind: MessageKind;
  /** The command's own options, as commander holds them. */
  readonly options: CommandOptions;
  /** The global ones, the config file's profile laid under them. */
  readonly flags: ConnectionFlags;
  readonly output: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  /** A stream (one request per input line, or per repeated option), not a single request. */
  readonly many: boolean;
  /** Whether its requests are published at all: not for a dry run, nor where a feature answers here (`answersHere`). */
  readonly sends: boolean;
}

/** Where a request is about to be published, and (a stream's) the line it came from. */
export interface Publishing {
  /** The broker, as records name it (no password). */
  broker: string;
  station?: string;
  line?: number;
  input?: string;
}

/** How a run ended: each outcome's count, and whether a signal cut it short. */
export interface RunEnd {
  outcomes: ReadonlyMap<StreamOutcome, number>;
  interrupted: boolean;
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

/** The steps one feature adds, each optional, in the order of the path. */
export interface Step {
  /** A stream's input, before its first line is read: a step may read it whole first, and hands on what is to be read. */
  reading?(input: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream>;
  /** Build, a stream's line: its record if a step already has it (printed again, not sent); undefined: go on. */
  replay?(line: number, input: string): StreamRecord | undefined;
  /** Deliver: answers here, so that nothing connects (connection settings are not even read). */
  readonly answers?: LocalAnswers;
  /** Check: after a request is built and checked, a refusal if this step cannot work with it (nothing is sent; a
   * stream records the line as invalid input). */
  refuse?(request: Envelope<'request'>): string | undefined;
  /** A single request, once its connection settings are known: what must be in place before it goes (a promise). */
  beforeSend?(request: Envelope<'request'>, connection: Connection): Promise<void>;
  /** A request (single, or a stream's line) about to be published: synchronous, since a stream makes no promise per
   * line; what it writes is written before the request leaves. */
  publishing?(request: Envelope<'request'>, at: Publishing): void;
  /** Outcome: an answer was judged; a question to ask next, whose answer decides the record (undefined: it stands). */
  followUp?(request: Envelope<'request'>, result: Result): FollowUp | undefined;
  /** Record: a record was made (a single request's, or a line's, sent or not). Synchronous, as `publishing`. */
  recorded?(record: ResultRecord | StreamRecord): void;
  /** Show: a single request's record is shown; what the command does next, and how it ends (undefined: now). */
  after?(record: ResultRecord): Promise<Ending> | undefined;
  /** The run came to its end, every record made (or a signal cut it short). */
  ended?(end: RunEnd): void;
  /** Show, a stream's: every record printed and the run not cut short, what the step adds after them (a site's sum),
   * and what it found that weighs in the exit status beside the outcomes (undefined: nothing). */
  report?(end: RunEnd): Promise<ScpError | undefined>;
  /** The run is over, however it ended (an error included): let go of what the step holds. */
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
  /** The option that switches it on (given, and not false): the command's own, or (`global`) one every command has. */
  readonly option: string;
  readonly global?: boolean;
  /** For a single request only: with --input it is refused, naming its flag. */
  readonly single?: boolean;
  /** It answers here, in place of a station: a run with it publishes nothing (`Run.sends` is false). */
  readonly answersHere?: boolean;
  /** Its module, loaded only when it is on. */
  load(): Promise<{ open(run: Run): Promise<Step> }>;
}

/** Whether a feature is on for this run: its option given, and not false. */
export function isOn(feature: Feature, options: CommandOptions, flags: ConnectionFlags): boolean {
  const value = feature.global ? (flags as CommandOptions)[feature.option] : options[feature.option];
  return value !== undefined && value !== false;
}

/** The steps of one run, called at their moments by the runners. */
export class Steps {
  /** The steps of the moments a stream reaches once per line, kept apart: a stream asks before it makes what they
   * would take (an envelope to check, where a request goes). */
  private readonly refusers: readonly Step[];
  private readonly publishers: readonly Step[];
  private readonly recorders: readonly Step[];

  constructor(private readonly all: readonly Step[]) {
    this.refusers = all.filter((step) => step.refuse);
    this.publishers = all.filter((step) => step.publishing);
    this.recorders = all.filter((step) => step.recorded);
  }

  /** Each feature that is on, in the list's order, opened for the run (its refusals of the options come first). */
  static async open(features: readonly Feature[], joined: Omit<Run, 'sends'>): Promise<Steps> {
    const on = features.filter((feature) => isOn(feature, joined.options, joined.flags));
    const run: Run = { ...joined, sends: joined.options.dryRun !== true && !on.some((feature) => feature.answersHere) };
    const steps: Step[] = [];
    for (const feature of on) steps.push(await (await feature.load()).open(run));
    return new Steps(steps);
  }

  async reading(input: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
    for (const step of this.all) if (step.reading) input = await step.reading(input);
    return input;
  }

  replay(line: number, input: string): StreamRecord | undefined {
    for (const step of this.all) {
      const record = step.replay?.(line, input);
      if (record !== undefined) return record;
    }
    return undefined;
  }

  /** Whether any step writes as requests go: a stream makes `at` for them only then. */
  get publishes(): boolean {
    return this.publishers.length > 0;
  }

  publishing(request: Envelope<'request'>, at: Publishing): void {
    for (const step of this.publishers) step.publishing!(request, at);
  }

  recorded(record: ResultRecord | StreamRecord): void {
    for (const step of this.recorders) step.recorded!(record);
  }

  ended(end: RunEnd): void {
    for (const step of this.all) step.ended?.(end);
  }

  get answers(): LocalAnswers | undefined {
    return this.all.find((step) => step.answers)?.answers;
  }

  /** Whether any step may refuse a request. */
  get refuses(): boolean {
    return this.refusers.length > 0;
  }

  refuse(request: Envelope<'request'>): string | undefined {
    for (const step of this.refusers) {
      const refusal = step.refuse!(request);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }

  async beforeSend(request: Envelope<'request'>, connection: Connection): Promise<void> {
    for (const step of this.all) await step.beforeSend?.(request, connection);
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

  async report(end: RunEnd): Promise<ScpError[]> {
    const findings: ScpError[] = [];
    for (const step of this.all) {
      const finding = await step.report?.(end);
      if (finding !== undefined) findings.push(finding);
    }
    return findings;
  }

  async close(): Promise<void> {
    for (const step of this.all) await step.close?.();
  }
}
