/**
 * What a Smart Charging message is to scp: one entry of the registry (messages/index.ts) holds everything that
 * differs between messages: its schema pair, how flags, prompt answers and input lines build its request data, the
 * rules checked before sending, how an answer reads, and what the simulator does with it. The machinery that is the
 * same for every message (building and checking an envelope, an input line, correlating an answer) is written once,
 * here and in core/, and takes the entry as a parameter. Pure: no IO.
 */
import { parseJson } from '../core/json.js';
import { rateUnitsInAnyCase } from '../core/fields.js';
import { UsageError } from '../core/errors.js';
import type { Checked } from '../core/validate.js';
import type { AnswerSummary, Envelope } from '../core/message.js';
import type { ResultRecord, StreamRecord, Verdict } from '../core/outcome.js';
import type { Awaited } from '../core/silence.js';
import type { HeldProfile } from '../core/profile.js';
import { topicFlagsOf, type OptionSpec } from '../options.js';
import type { PromptStreams } from './prompts.js';
import type { StationModel } from '../core/composite.js';
import type { ResultView, Showing } from '../output/records.js';

export type { AnswerSummary, Envelope, ResultView, Showing, Verdict };

/** A placeholder envelope id for checks that build a request only to validate it; never published. */
export const CHECK_ID = '00000000-0000-4000-8000-000000000000';

/** What building a request may need beyond the options: the time now, and the text of each file an option names. */
export interface InputContext {
  now: Date;
  /** By option key: the text of the file it names (`--file`), read by the command. */
  files?: Readonly<Record<string, string>>;
}

/** Its command: the word an operator types, its help, its options, what it runs most and what its exits mean. */
export interface MessageCommand {
  /** The scp command that sends it, its one-line description and the help text after its options. */
  readonly command: string;
  readonly summary: string;
  readonly help: string;
  /** The command's own options, rows of the option table (src/options.ts); those that say what to send have `selects`. */
  readonly options: readonly OptionSpec[];
  /**
   * What an operator types most, after the command word: the build's code-cache training (src/build/train.mjs), the
   * start-up bench and the tests that go over every message run these, so a new message is trained, measured and
   * tested by being in the registry. `send`: requests the built-in simulator station accepts (exit 0), the first the
   * everyday one; `bad`: one refused before anything is sent (exit 2).
   */
  readonly samples: { readonly send: readonly (readonly string[])[]; readonly bad: readonly string[] };
  /** What exits 0 and 1 mean for this message, for its help's exit codes. */
  readonly outcomes: { accepted: string; other: string };
  /** It changes the station (clear, set): a request that got no answer may still have been applied. A question
   * (schedule, status) changes nothing: one without an answer just went unanswered. */
  readonly changes: boolean;
  /**
   * The connection settings that hold its topics, where they are not the Smart Charging ones (`--request-topic`,
   * `--response-topic`): service_status travels on the station's general topics. Both may name {station} alike.
   */
  readonly topics?: { readonly request: TopicSetting; readonly response: TopicSetting };
}

/** The settings that hold a pair of topics: the Smart Charging ones, and the station's general ones. */
export type TopicSetting = 'requestTopic' | 'responseTopic' | 'statusRequestTopic' | 'statusResponseTopic';

/** The flags of a message's topics, as refusals name them (`--status-request-topic`), read off the option table. */
export function topicFlags(message: Pick<MessageCommand, 'topics'>): readonly [string, string] {
  const { request, response } = message.topics ?? { request: 'requestTopic', response: 'responseTopic' };
  return topicFlagsOf(request, response);
}

/** Where a request of `message` went and its answer was awaited, as the words of a silence name it (core/silence.ts). */
export function awaitedAt(message: Pick<MessageCommand, 'topics'>, topics: { requestTopic: string; responseTopic: string }, broker: string): Awaited {
  return { broker, requestTopic: topics.requestTopic, responseTopic: topics.responseTopic, flags: topicFlags(message), smartCharging: message.topics === undefined };
}

/** A message's topics out of the connection settings, as the Smart Charging pair's keys (the rest of scp reads those). */
export function messageTopics<S extends Record<TopicSetting, string>>(message: Pick<MessageCommand, 'topics'>, settings: S): S {
  if (message.topics === undefined) return settings;
  return { ...settings, requestTopic: settings[message.topics.request], responseTopic: settings[message.topics.response] };
}

/** The options of a message's command as commander holds them: typed per message from its rows (`OptionsOf`). */
export type CommandOptions = Readonly<Record<string, unknown>>;

/** How a request is made from what an operator gives: options, files, questions on a terminal; and what is said before it goes. */
export interface RequestBuilding<Req extends Envelope<'request'> = Envelope<'request'>, Input = unknown, Options = CommandOptions> {
  /** What the options say to send, as the builder takes it; `context` has the clock and the text of files options name. */
  inputOf(options: Options, context: InputContext): Input;
  /** Said when no option says what to send and no question may be asked; `reason` says why not. */
  nothingToSend(reason: string): string;
  /**
   * The questions that build the input on a terminal (loading the prompt library only then), beside what the options
   * gave (`given`: a default or a flag that does not say what to send); absent: never asked.
   */
  ask?(streams: PromptStreams, warn: (message: string) => void, given: Input): Promise<Input>;
  /**
   * The last question before an interactive run publishes: its words, and whether Yes is the default; undefined for
   * a request that changes nothing (a question), which goes without one.
   */
  confirmation(request: Req): { message: string; yes: boolean } | undefined;
  /** Request data from what an operator typed, flags or prompt answers (strings, as typed); a refusal names the flag. */
  buildData(input: Input): Req['data'];
  /** Things worth telling the operator about a valid request before it goes out. */
  warnings(request: Req): string[];
}

/** What it is on the wire: its name, its schemas and the OCPP rules beyond them. */
export interface WireChecks<Req extends Envelope<'request'> = Envelope<'request'>, Res extends Envelope<'response'> = Envelope<'response'>> {
  /** The envelope's `name` on the wire. */
  readonly name: Req['name'];
  /** The request schema, its problems worded by flag (what the operator typed) ... */
  checkRequest(envelope: unknown): Checked<Req>;
  /** ... or in the envelope's own words (a request the simulator receives) ... */
  checkRequestOnWire(envelope: unknown): Checked<Req>;
  /** ... or in the words of its fields, as an operator wrote them (an input line, a file): no JSON pointer. */
  checkRequestFields(envelope: unknown): Checked<Req>;
  checkResponse(envelope: unknown): Checked<Res>;
  /** OCPP rules beyond the schema, checked before anything is sent: the problem, worded for flags or for fields. */
  rules(data: Req['data'], words: 'flags' | 'fields'): string | undefined;
  /** What makes a schema-valid answer under our id an invalid one for this request (another service's status); absent: nothing. */
  answerProblem?(request: Req, response: Res): string | undefined;
  /**
   * What --watch follows after the answer: a message on the response topic that is news about what `request` asked
   * (service_status: an update or a response for the same service), checked like an answer; undefined: not news, or
   * not valid. Absent: the message has nothing to watch.
   */
  news?(request: Req, envelope: unknown): Res | undefined;
}

/** An `--input` line of it: the shorthand a line may use, and what a line may be. */
export interface InputLines<Options = CommandOptions> {
  /** An input line that is not a JSON object: the data its shorthand stands for, or undefined. */
  shorthand(text: string): unknown;
  /** What an input line may be, for a line that is neither. */
  readonly lineHint: string;
  /** Several requests from the command's own options (schedule's repeated --evse, or --sum): one input line each,
   * checked as flags are (a bad one is bad usage naming its flag); undefined: the options make one request. */
  linesOf?(options: Options): string[] | undefined;
}

/** The simulated service itself, beside its station: what it says of itself when asked (service_status). */
export interface SimulatedService {
  /** --service-status: `ready` unless told otherwise, to rehearse scripts. */
  readonly status: string;
  /** scp's own version, which the stand-in reports as its software version. */
  readonly softwareVersion: string;
}

/** A message the service publishes unasked (an `update`): its topic is the message's response topic. */
export type Announcement = { id: string; name: string; type: 'update'; data: object };

/** The simulated station's side: what a request does to the profiles it holds, and the answers. */
export interface StationSide<Req extends Envelope<'request'> = Envelope<'request'>, Res extends Envelope<'response'> = Envelope<'response'>> {
  /**
   * The simulator's side: what a valid request does to the stored profiles (removes, adds), and the answer (none: the
   * request is for something this station does not run, and it stays silent, as a real one would);
   * `station()` is the simulated station at this moment (its clock, EVSEs, transactions, electrical defaults),
   * worked out only by an entry that needs it, not for every request of a stream.
   */
  decide(
    profiles: readonly HeldProfile[],
    request: Req,
    station: () => StationModel,
    service: SimulatedService,
  ): { response: Res | undefined; removed: HeldProfile[]; added?: HeldProfile[] };
  /** The simulator's answer to a request that breaks the schema but carries an id to answer to; undefined: silence. */
  refuse(id: string, problems: string[]): Res | undefined;
  /** What the service announces unasked when it starts and when it stops (service_status updates); absent: nothing. */
  announce?(phase: 'start' | 'stop', service: SimulatedService): Announcement | undefined;
}

/** What answers a message offline: the simulator's station side, and (--explain) why its answer is what it is. */
export interface OfflineStation<Req extends Envelope<'request'> = Envelope<'request'>, Res extends Envelope<'response'> = Envelope<'response'>> extends StationSide<Req, Res> {
  /** The answer, as `decide` gives it, with the explanation a record carries under `explain` (none: a refusal). */
  explain?(profiles: readonly HeldProfile[], request: Req, station: StationModel): { response: Res; explain?: object };
}

/** A message an operator may have answered here, with no station (`scp schedule --offline`): its station's side. */
export interface Offline<Req extends Envelope<'request'> = Envelope<'request'>, Res extends Envelope<'response'> = Envelope<'response'>> {
  /** Loads what the simulator's station does with the request (station.ts); absent: the message needs a station. */
  offline?(): Promise<OfflineStation<Req, Res>>;
}

/** How --verify checks an accepted request: a second question, and what its answer says (messages/set/verify.ts). */
export interface Verifier<Req extends Envelope<'request'> = Envelope<'request'>> {
  /** A request --verify cannot check, refused before anything is sent (the refusal); undefined: it can. */
  refuse(request: Req): string | undefined;
  /** Loads the message that asks (a stream loads it once, before its first line). */
  asks(): Promise<MessageKind>;
  /** The question's request data at `now`; undefined: nothing is left to ask (the request is over). */
  question(request: Req, now: Date): object | undefined;
  verdict(request: Req, answer: Envelope<'response'>): Omit<Verdict, 'request' | 'response'>;
}

/** How a run's answers add up (`--sum`: what a site draws) and how one answer is drawn (`--svg`): schedule's
 * (messages/schedule/sum.ts). */
export interface Summer<Settings = unknown> {
  /** What the sum reads of the command's options (a site's limit, volts), checked before anything is sent. */
  settings(options: CommandOptions): Settings;
  /** A run's records added up: its lines, its --json record, its picture (none: nothing to draw), and, where the total
   * passes the site's limit, the words that say so (the run then exits 1). */
  sum(records: readonly (ResultRecord | StreamRecord)[], settings: Settings): { lines(view: ResultView): string[]; record: object; svg?: string; over?: string };
  /** One answer's picture (SVG text); undefined: the record holds nothing to draw. */
  picture(record: ResultRecord | StreamRecord): string | undefined;
}

/** A message whose answers add up over a site (schedule). */
export interface Summing {
  /** Loads the summer (only with --sum or --svg); absent: the message has nothing to add up. */
  sum?(): Promise<Summer>;
}

/** A message whose acceptance --verify can check (set: is the profile in force?). */
export interface Verifying<Req extends Envelope<'request'> = Envelope<'request'>> {
  /** Loads the verifier (only with --verify); absent: the message has nothing to verify. */
  verify?(): Promise<Verifier<Req>>;
}

/** A message as a command runs it, every concern but the station's: its face and its entry (index.ts). Code that
 * needs one concern takes that interface. */
export interface MessageKind<
  Req extends Envelope<'request'> = Envelope<'request'>,
  Res extends Envelope<'response'> = Envelope<'response'>,
  Input = unknown,
  Options = CommandOptions,
> extends MessageCommand,
    RequestBuilding<Req, Input, Options>,
    WireChecks<Req, Res>,
    InputLines<Options>,
    Showing<Req, Res>,
    Offline<Req, Res>,
    Verifying<Req>,
    Summing {}

/** What a command needs of a message before it runs (its face: face.ts), with the rest loaded only when it runs:
 * `scp clear --help` evaluates nothing of set's or schedule's, a clear nothing of the composite calculation. */
export interface MessageFace extends MessageCommand {
  load(): Promise<MessageKind>;
}

/** A message as the simulator serves it: the entry and the station's side (station.ts), loaded only by the simulator. */
export interface ServedMessage<Req extends Envelope<'request'> = Envelope<'request'>, Res extends Envelope<'response'> = Envelope<'response'>, Input = unknown>
  extends MessageKind<Req, Res, Input>,
    StationSide<Req, Res> {}

/** The request envelope around `data`: the one place a request's envelope is put together. */
export function requestEnvelope<Req extends Envelope<'request'>>(kind: { readonly name: Req['name'] }, data: Req['data'], id: string): Req {
  return { id, name: kind.name, type: 'request', data } as Req;
}

/**
 * Builds the envelope from what the operator typed and checks it against the schema and the rules: the only way a
 * request reaches the transport. `newId` is injected so tests can pin it; production passes randomUUID.
 */
export function buildRequest<Req extends Envelope<'request'>, Input>(kind: RequestBuilding<Req, Input> & WireChecks<Req>, input: Input, newId: () => string): Req {
  const data = kind.buildData(input);
  const checked = kind.checkRequest(requestEnvelope<Req>(kind, data, newId()));
  if (!checked.ok) throw new UsageError(checked.problems.join('; '));
  const problem = kind.rules(checked.value.data, 'flags');
  if (problem !== undefined) throw new UsageError(problem);
  return checked.value;
}

/**
 * What a prompt says about an answer: exactly the words a flag with that value would get, because it runs the same
 * parser, schema and rules (undefined when the answer is fine). One source of truth for flags and prompts.
 */
export function inputProblem<Input>(kind: RequestBuilding<Envelope<'request'>, Input> & WireChecks, input: Input): string | undefined {
  try {
    buildRequest(kind, input, () => CHECK_ID);
    return undefined;
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
}

export type InputLine<Data = object> = { kind: 'skip' } | { kind: 'request'; data: Data; station?: string } | { kind: 'invalid'; reason: string };

const SKIP = { kind: 'skip' } as const;

/**
 * One line of `--input`: the message's shorthand or a JSON object shaped like the request's `data`; blank lines and
 * `#` comments are skipped. Anything else is invalid input, with the reason: the stream goes on without sending it.
 */
export function parseInputLine<Req extends Envelope<'request'>>(kind: InputLines & WireChecks<Req>, line: string): InputLine<Req['data']> {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return SKIP;
  let data = kind.shorthand(text);
  if (data === undefined && text.startsWith('{')) {
    const parsed = parseJson(text);
    if (!parsed.ok) return { kind: 'invalid', reason: parsed.problem.replace(/ at line 1, /, ' at ') };
    data = parsed.value;
  }
  if (data === undefined) return { kind: 'invalid', reason: kind.lineHint };
  data = rateUnitsInAnyCase(data);
  // A line for a fleet names its station beside the request data: {"station": "17", ...}; it is not sent.
  let station: string | undefined;
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && 'station' in data) {
    const { station: named, ...rest } = data as { station: unknown };
    if (typeof named !== 'string') return { kind: 'invalid', reason: `station: ${JSON.stringify(named)} is not allowed; expected a station id (a string)` };
    station = named;
    data = rest;
  }
  // Checked as a whole envelope (with a placeholder id), so the schema stays the one judge of `data`.
  const checked = kind.checkRequestFields(requestEnvelope(kind, data as Req['data'], CHECK_ID));
  if (!checked.ok) return { kind: 'invalid', reason: checked.problems.join('; ') };
  const problem = kind.rules(checked.value.data, 'fields');
  if (problem !== undefined) return { kind: 'invalid', reason: problem };
  return { kind: 'request', data: checked.value.data, ...(station === undefined ? {} : { station }) };
}

/**
 * The options every message command has besides what it sends: --dry-run and --yes for one request, --input and its
 * companions for many. `inputHelp` says what an input line holds for this message.
 */
export function requestOptions<C extends string>(command: C, inputHelp: string) {
  const [dryRun, ...many] = questionOptions(command, inputHelp);
  return [dryRun, { key: 'yes', command, flags: '-y, --yes', description: 'on a terminal, send without asking to confirm', default: false, group: 'send' }, ...many] as const satisfies readonly OptionSpec[];
}

/** The same for a request that changes nothing (a question), which is never confirmed: no --yes. */
export function questionOptions<C extends string>(command: C, inputHelp: string) {
  return [
    { key: 'dryRun', command, flags: '--dry-run', description: 'validate and print the request; connect to nothing', default: false, group: 'send' },
    { key: 'input', command, flags: '--input <file>', description: inputHelp, group: 'send', complete: 'file' },
    // 64, not 16: at 16 a stream through a broker without TCP_NODELAY (Mosquitto's default) waits ~40 ms on a
    // delayed ACK every round (10,000 lines: 19 s at 16, 0.7 s at 64, 0.7 s with no-delay); memory is the same
    // (the printer's window is max(4 x concurrency, 1024)). npm run bench:batch measures both brokers.
    { key: 'concurrency', command, flags: '--concurrency <n>', description: 'with --input: requests in flight at once', default: '64', group: 'send' },
    { key: 'unordered', command, flags: '--unordered', description: 'with --input: print results as answers arrive, not in input order', default: false, group: 'output' },
    // Taking up an interrupted run needs the journal it was written to (--journal, SCP_JOURNAL or a profile's).
    { key: 'resume', command, flags: '--resume', description: 'with --input and --journal: take up the last run of this command in the journal, sending only the lines it did not send (the rest printed again from it)', default: false, group: 'send', needs: 'input' },
    { key: 'retryFailed', command, flags: '--retry-failed', description: 'with --input and --journal: as --resume, and send again the lines whose record is not accepted', default: false, group: 'send', needs: 'input' },
  ] as const satisfies readonly OptionSpec[];
}
