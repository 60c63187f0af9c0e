/**
 * Build, for one request: the request from the command's options, the files they name (`--file`), or (nothing
 * given, on a terminal) the message's questions, checked by the message (schema and OCPP rules: kind.ts
 * buildRequest); and, when questions built it, the confirmation before it goes. The prompt library is loaded only
 * once something is to be asked; a stream's lines are built by kind.ts parseInputLine instead.
 */
import { UsageError } from '../core/errors.js';
import { buildRequest, type CommandOptions, type Envelope, type MessageKind } from '../messages/kind.js';
import { longFlag } from '../options.js';
import { showPreview } from '../output/result.js';
import { nodeStream } from '../output/stdio.js';
import { redactUrl } from '../core/settings.js';
import { readNamed } from '../connection/secrets.js';
import type { Connection } from '../connection/settings.js';
import { randomUUID } from '../transport/random.js';
import type { RequestContext } from './context.js';
import { promptPolicy, type PromptPolicy } from './prompt-policy.js';

type Prompts = typeof import('../messages/prompts.js');

/** The questions and the terminals they use, read only once something is to be asked. */
export class Asking {
  /** Questions built the request: its warnings were shown as they were answered, and it is confirmed before it goes. */
  asked = false;
  private loaded: Prompts | undefined;
  constructor(private readonly ctx: RequestContext) {}

  /** May scp ask, and if not, why not: decided from the terminals, --no-input and CI. */
  policy(): PromptPolicy {
    const { terminal, noQuestions } = this.ctx;
    return promptPolicy({ stdinIsTTY: Boolean(terminal.stdin.isTTY), stdoutIsTTY: Boolean(terminal.stdout.isTTY), noInput: noQuestions, env: terminal.env });
  }

  streams() {
    return { input: this.ctx.terminal.stdin, output: nodeStream(this.ctx.terminal.stdout), signal: this.ctx.signal };
  }

  async load(): Promise<Prompts> {
    this.loaded ??= await import('../messages/prompts.js');
    return this.loaded;
  }
}

/** True when an option says what to send; otherwise there is nothing to send, or something to ask. */
export function givesInput(kind: MessageKind, options: CommandOptions): boolean {
  return kind.options.some((spec) => spec.selects && options[spec.key] !== undefined);
}

/** Reads the files that options saying what to send name (`--file <path|->`): bad usage if one cannot be read. */
export async function readOptionFiles(kind: MessageKind, options: CommandOptions, stdin: () => NodeJS.ReadableStream): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const spec of kind.options) {
    const path = options[spec.key];
    if (!spec.selects || spec.complete !== 'file' || typeof path !== 'string') continue;
    files[spec.key] = await readNamedText(longFlag(spec)!, path, stdin);
  }
  return files;
}

/** The whole of a file an option names, as text (`-`: stdin); one that cannot be read is bad usage naming `flag`. */
export async function readNamedText(flag: string, path: string, stdin: () => NodeJS.ReadableStream): Promise<string> {
  return path === '-' ? readAll(stdin()) : (await readNamed(flag, path)).toString('utf8');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) text += chunk.toString();
  return text;
}

/**
 * The request: from the options, or (none given, on a terminal) from the questions; anywhere else, say which options
 * would answer. A message with no questions (service_status: every option has a default) is built from the options.
 */
export async function chooseRequest(kind: MessageKind, options: CommandOptions, files: Readonly<Record<string, string>>, ctx: RequestContext, asking: Asking): Promise<Envelope<'request'>> {
  let input = kind.inputOf(options, { now: new Date(), files });
  if (!givesInput(kind, options) && kind.ask) {
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
export async function confirmIfAsked(kind: MessageKind, request: Envelope<'request'>, connection: Connection, site: string | undefined, yes: boolean, ctx: RequestContext, asking: Asking): Promise<void> {
  const question = kind.confirmation(request);
  // A question that changes nothing goes without a preview and a confirmation.
  if (!asking.asked || yes || question === undefined) return;
  // Which site a request goes to is the one thing an operator with several profiles must see before it goes.
  const profile = site === undefined ? '' : ` (profile ${site})`;
  showPreview(ctx.output, request, kind.describe(request.data), { topic: connection.requestTopic, target: `${redactUrl(connection.connect.url)}${profile}`, ...(connection.station === undefined ? {} : { station: connection.station }) });
  const prompts = await asking.load();
  if (!(await prompts.confirmSend(question, asking.streams()))) throw new UsageError('cancelled at the confirmation: nothing was sent');
}
