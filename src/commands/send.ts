/**
 * One request of any registry entry (`scp clear --id 1`): options or questions -> validated request -> (unless
 * --dry-run) one exchange over MQTT -> one record, printed, and the exit status.
 */
import { showPreview, showRequest, showResult } from '../output/result.js';
import { nodeStream, type OutStream } from '../output/stdio.js';
import type { Watch } from './watch.js';
import { randomUUID } from '../random.js';
import { ConnectionError, ScpError, InvalidResponseError, TimeoutError, UsageError, type Ending } from '../core/errors.js';
import { buildRequest, messageTopics, topicFlags, type Envelope, type MessageKind } from '../messages/kind.js';
import { promptPolicy, type PromptPolicy } from './prompt-policy.js';
import type { ConnectOptions } from '../transport/client.js';
import { againstRequest, classifyResponse, type Classified } from '../core/response.js';
import type { ResultRecord, Outcome } from '../core/outcome.js';
import { redactUrl } from '../core/settings.js';
import { advising, checkConnectionFlags, firstAccepting, readNamed, resolveConnection, type CommandContext, type ConnectionFlags } from '../connection.js';
import { longFlag, refuseUnmet } from '../options.js';
import { stationTopics } from '../core/fleet.js';

/** A message command's options as commander holds them: what to send (the entry's `selects` rows), --dry-run, --yes. */
export interface RequestFlags extends Readonly<Record<string, unknown>> {
  dryRun: boolean;
  /** --yes: skip the confirmation of an interactive run. */
  yes?: boolean;
  /** --watch: after the answer, follow what the service says about it (commands/watch.ts). */
  watch?: boolean;
  /** --offline: answered here by the simulated station (commands/offline.ts), nothing connects. */
  offline?: boolean;
  /** --explain (with --offline): the record says why the answer is what it is. */
  explain?: boolean;
  /** --verify (set): once accepted, is it in force? (commands/verify.ts) */
  verify?: boolean;
}

export interface Context extends CommandContext {
  now?: () => number;
  newId?: () => string;
  /** The text of each file an option that says what to send names (`--file`), by option key. */
  files?: Readonly<Record<string, string>>;
  /**
   * May scp ask questions, and where: decided from the terminals, --no-input and CI. Functions, so that a run which
   * never asks never makes process.stdin or process.stdout (creating them loads Node's streams).
   */
  prompts?: { policy: () => PromptPolicy; input: () => NodeJS.ReadableStream; output: () => NodeJS.WritableStream };
  /** --watch: subscribed before the request goes, so nothing said after the answer is missed. */
  watch?: (connection: Connection, request: Envelope<'request'>) => Promise<Watch>;
}

type Prompts = typeof import('../messages/prompts.js');
type Kind = MessageKind<Envelope<'request'>, Envelope<'response'>, unknown>;

export interface RequestResult {
  record?: ResultRecord;
  error?: ScpError;
  /** With --watch: the subscription, for the command to follow (or close). */
  watch?: Watch;
}

type Connection = Awaited<ReturnType<typeof resolveConnection>>;
type Decided = Exclude<Classified, { kind: 'foreign' }>;

/** The questions and the streams they use, loaded only once something is to be asked. */
class Asking {
  /** Questions built the request: its warnings were shown as they were answered, and it is confirmed before it goes. */
  asked = false;
  private loaded: Prompts | undefined;
  constructor(private readonly ctx: Context) {}

  policy(): PromptPolicy {
    return this.ctx.prompts?.policy() ?? { allowed: false, reason: 'stdin is not a terminal' };
  }

  streams() {
    return { input: this.ctx.prompts!.input(), output: this.ctx.prompts!.output(), signal: this.ctx.signal };
  }

  async load(): Promise<Prompts> {
    this.loaded ??= await import('../messages/prompts.js');
    return this.loaded;
  }
}

/** True when an option says what to send; otherwise there is nothing to send, or something to ask. */
export function givesInput(kind: Kind, flags: Readonly<Record<string, unknown>>): boolean {
  return kind.options.some((spec) => spec.selects && flags[spec.key] !== undefined);
}

/**
 * The request: from the options, or (none given, on a terminal) from the questions; anywhere else, say which options
 * would answer. A message with no questions (service_status: every option has a default) is built from the options.
 */
async function chooseRequest(kind: Kind, flags: RequestFlags, ctx: Context, asking: Asking): Promise<Envelope<'request'>> {
  let input = kind.inputOf(flags, { now: new Date(), ...(ctx.files ? { files: ctx.files } : {}) });
  if (!givesInput(kind, flags) && kind.ask) {
    const policy = asking.policy();
    if (!policy.allowed) throw new UsageError(kind.nothingToSend(policy.reason));
    input = await kind.ask(asking.streams(), (message) => ctx.output.warn(message), input);
    asking.asked = true;
  }
  const request = buildRequest(kind, input, ctx.newId ?? randomUUID);
  // The questions showed these as they were answered.
  if (!asking.asked) for (const warning of kind.warnings(request)) ctx.output.warn(warning);
  return request;
}

/** An interactive run shows what goes where, and asks before it goes (--yes skips that). */
async function confirmIfAsked(kind: Kind, request: Envelope<'request'>, connection: Connection, flags: RequestFlags, connectionFlags: ConnectionFlags, ctx: Context, asking: Asking): Promise<void> {
  const question = kind.confirmation(request);
  // A question that changes nothing goes without a preview and a confirmation.
  if (!asking.asked || flags.yes || question === undefined) return;
  // Which site a request goes to is the one thing an operator with several profiles must see before it goes.
  const site = connectionFlags.profileName === undefined ? '' : ` (profile ${connectionFlags.profileName})`;
  showPreview(ctx.output, request, connection.requestTopic, `${redactUrl(connection.connect.url)}${site}`);
  const prompts = await asking.load();
  if (!(await prompts.confirmSend(question, asking.streams()))) throw new UsageError('cancelled at the confirmation: nothing was sent');
}

/** One exchange (with the spinner), and the one password question a refused login is worth; `started` marks each try. */
async function exchangeOnce(kind: Kind, request: Envelope<'request'>, connection: Connection, ctx: Context, asking: Asking, started: (url: string) => void): Promise<Decided> {
  const { output } = ctx;
  // Lazy: --help, --version, --dry-run and bad input never pay for loading MQTT.js.
  const { exchange } = await import('../transport/exchange.js');
  const options: Parameters<typeof exchange<Decided>>[1] = {
    requestTopic: connection.requestTopic,
    responseTopic: connection.responseTopic,
    payload: JSON.stringify(request),
    timeoutMs: connection.timeoutMs,
    qos: connection.qos,
    signal: ctx.signal,
    log: (line) => output.debug(line),
    match: ({ topic, payload, retained }) => {
      const classified = classifyResponse(kind, payload, request.id, { retained });
      const shown = payload.toString('utf8');
      if (classified.kind === 'foreign') {
        output.debug(`ignored message on ${topic} (${classified.reason}): ${shown}`);
        return undefined;
      }
      output.debug(`received on ${topic}: ${shown}`);
      return againstRequest(classified, request, kind);
    },
    onPublished: () => void output.spin('waiting for the answer', connection.timeoutMs),
  };
  const once = async (connect: ConnectOptions) => {
    started(connect.url);
    await output.spin(`connecting to ${redactUrl(connect.url)}`, connect.connectTimeoutMs);
    try {
      return await advising(exchange(connect, options));
    } finally {
      output.stopSpinner();
    }
  };
  const attempt = (connect: ConnectOptions) =>
    firstAccepting(connection.brokers, (i) => once({ ...connect, url: connection.brokers[i]! }), (message) => output.warn(message));
  try {
    return await attempt(connection.connect);
  } catch (err) {
    const retry = passwordRetry(err, connection.connect, () => asking.policy());
    if (!retry) throw err;
    // As git does with credentials: ask only once the broker has said no, and only for this one retry.
    output.error(err instanceof Error ? err.message : String(err));
    const password = await (await asking.load()).askPassword(asking.streams(), retry.who);
    return attempt({ ...connection.connect, password });
  }
}

/** Milliseconds for elapsed times: process.hrtime, not performance.now (the global `performance` loads perf_hooks, a cost for every run). */
const clockOf = (ctx: Context) => ctx.now ?? (() => Number(process.hrtime.bigint()) / 1e6);

/**
 * --offline: the station opened (its file read and checked) before any question, the request from options or
 * questions, answered here by the simulated station; no connection setting is read, nothing connects.
 */
async function runOffline(kind: Kind, flags: RequestFlags, ctx: Context): Promise<RequestResult> {
  const offline = await import('./offline.js');
  const station = await offline.offlineStation(flags, () => new Date());
  const request = await chooseRequest(kind, flags, ctx, new Asking(ctx));
  if (flags.dryRun) {
    showRequest(ctx.output, request);
    return {};
  }
  const now = clockOf(ctx);
  const started = now();
  offline.noteOffline(ctx.output, station.from);
  return { record: await offline.answerOffline(kind, request, station, () => now() - started, flags.explain === true) };
}

/** The connection settings resolved (config, password), with what is worth saying about them before anything connects. */
async function connectionFor(connectionFlags: ConnectionFlags, ctx: Context, settings: Parameters<typeof resolveConnection>[3]) {
  const { output } = ctx;
  const connection = await resolveConnection(connectionFlags, ctx.env, (message) => output.warn(message), settings);
  if (connection.connect.insecure) output.warn('--insecure: the broker\'s TLS certificate is not checked');
  output.debug(
    `broker ${redactUrl(connection.connect.url)}, user ${connection.connect.username ?? '(none)'}, password ${connection.connect.password === undefined ? '(none)' : '(set)'}`,
  );
  return connection;
}

/** --verify's verifier; what it cannot check is refused before anything is sent, dry run included. */
async function verifierFor(kind: Kind, flags: RequestFlags, request: Envelope<'request'>) {
  const verifier = flags.verify ? await kind.verify?.() : undefined;
  const refusal = verifier?.refuse(request);
  if (refusal !== undefined) throw new UsageError(refusal);
  return verifier;
}

/** One request: options or questions -> validated request -> (unless --dry-run) one exchange over MQTT -> one record. */
export async function runRequest(kind: Kind, flags: RequestFlags, connectionFlags: ConnectionFlags, ctx: Context): Promise<RequestResult> {
  if (flags.offline) return runOffline(kind, flags, ctx);
  const { output } = ctx;
  const now = clockOf(ctx);
  // The message's own topics (service_status: the station's general ones) in the Smart Charging pair's place.
  const settings = messageTopics(kind, checkConnectionFlags(connectionFlags));
  // Where the topics name {station}, one request goes to the station --station names (refused before anything else).
  const topics = stationTopics(settings, connectionFlags.station, '--station', topicFlags(kind));
  const asking = new Asking(ctx);
  const request = await chooseRequest(kind, flags, ctx, asking);
  const verifier = await verifierFor(kind, flags, request);
  if (flags.dryRun) {
    showRequest(output, request);
    return {};
  }

  const connection = { ...(await connectionFor(connectionFlags, ctx, settings)), ...topics };
  await confirmIfAsked(kind, request, connection, flags, connectionFlags, ctx, asking);

  let started = now();
  let broker = connection.connect.url;
  const record = (outcome: Outcome, response: ResultRecord['response'], error?: ScpError): RequestResult => ({
    record: {
      request,
      response,
      outcome,
      ...(error ? { error: error.message } : {}),
      elapsed_ms: Math.round(now() - started),
      broker: redactUrl(broker),
      ...(connection.station === undefined ? {} : { station: connection.station }),
    },
    error,
  });
  const watch = await ctx.watch?.(connection, request);
  let decided: Decided;
  try {
    decided = await exchangeOnce(kind, request, connection, ctx, asking, (url) => {
      started = now();
      broker = url;
    });
  } catch (err) {
    await watch?.close();
    if (!(err instanceof ScpError)) throw err;
    return record(err instanceof TimeoutError ? 'timeout' : 'error', null, err);
  }
  if (decided.kind === 'invalid') {
    await watch?.close();
    const error = new InvalidResponseError(`invalid response: ${decided.problems.join('; ')}`);
    return record('invalid_response', decided.envelope, error);
  }
  const outcome = kind.summarize(decided.response).outcome;
  if (verifier && outcome === 'accepted') {
    const ask = (question: Kind, asked: Envelope<'request'>) => exchangeOnce(question, asked, connection, ctx, asking, () => {});
    const verified = await (await import('./verify.js')).verifyAccepted(verifier, request, ask, ctx.newId ?? randomUUID);
    const result = record(verified.outcome, decided.response, verified.error);
    return { ...result, record: { ...result.record!, verify: verified.verdict } };
  }
  return { ...record(outcome, decided.response), ...(watch ? { watch } : {}) };
}

/**
 * Whether a refused login is worth one masked question: the broker refused the user name or password, no password
 * came from anywhere (flag, env, profile or URL), a question may be asked, and the protocol can carry the answer
 * (MQTT 3.1.1 sends a password only with a user name).
 */
function passwordRetry(err: unknown, connect: ConnectOptions, policy: () => PromptPolicy): { who: string } | undefined {
  if (!(err instanceof ConnectionError) || !err.refusedLogin || !policy().allowed) return undefined;
  const url = new URL(connect.url);
  if (connect.password !== undefined || url.password !== '') return undefined;
  const username = connect.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  if (username === undefined && connect.protocolVersion !== 5) return undefined;
  return { who: `${username ?? '(no user name)'} at ${redactUrl(connect.url)}` };
}

/** Where questions would be asked: the process's terminals (read lazily: process.stdin is created on first use). */
export interface Terminal {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: OutStream;
  readonly env: NodeJS.ProcessEnv;
}

/** Reads the files that options saying what to send name (`--file <path|->`): bad usage if one cannot be read. */
async function readOptionFiles(kind: Kind, flags: RequestFlags, stdin: () => NodeJS.ReadableStream): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const spec of kind.options) {
    const path = flags[spec.key];
    if (!spec.selects || spec.complete !== 'file' || typeof path !== 'string') continue;
    const flag = longFlag(spec)!;
    files[spec.key] = path === '-' ? await readAll(stdin()) : (await readNamed(flag, path)).toString('utf8');
  }
  return files;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) text += chunk.toString();
  return text;
}

/**
 * A message command without --input: asks only where a person can answer (both terminals, no --no-input, no CI),
 * runs the exchange, prints the result and says how it ended.
 */
export async function runRequestCommand(
  kind: Kind,
  flags: RequestFlags,
  connectionFlags: ConnectionFlags,
  ctx: CommandContext & { prompts: { terminal: Terminal; noInput: boolean } },
): Promise<Ending> {
  const { terminal, noInput } = ctx.prompts;
  refuseUnmet(kind.options, flags);
  const policy = () =>
    promptPolicy({ stdinIsTTY: Boolean(terminal.stdin.isTTY), stdoutIsTTY: Boolean(terminal.stdout.isTTY), noInput, env: terminal.env });
  const prompts = { policy, input: () => terminal.stdin, output: () => nodeStream(terminal.stdout) };
  // Loaded only for --watch: a one-shot run never evaluates it.
  const watching = flags.watch ? await import('./watch.js') : undefined;
  watching?.checkWatch(kind, flags);
  const files = await readOptionFiles(kind, flags, prompts.input);
  const watch = watching ? (connection: Connection, request: Envelope<'request'>) => watching.openWatch(kind, request, connection, ctx) : undefined;
  const result = await runRequest(kind, flags, connectionFlags, { ...ctx, prompts, files, ...(watch ? { watch } : {}) });
  if (!result.record) return {};
  showResult(ctx.output, result.record, kind, flags);
  if (result.watch) return result.watch.follow(result.record.outcome);
  return { outcomes: [result.record.outcome], error: result.error };
}
