/**
 * One error class per outcome a script may want to branch on, each carrying its exit code, and `exitStatus`, the one
 * decision of an exit status: cli.ts `main()` calls it for every command. Errors are values: made whole where the
 * failure is known, never changed in passing (a layer that knows more makes a new one, `ConnectionError.with`).
 */
import type { StreamOutcome } from './outcome.js';

export const EXIT = {
  accepted: 0,
  unknown: 1,
  usage: 2,
  timeout: 3,
  connection: 4,
  invalidResponse: 5,
  interrupted: 130,
  terminated: 143,
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * What each exit status means beyond a message's own 0 and 1 (its entry's `outcomes`): the one wording of the exit
 * table, which every command's help, `scp --help` and the README show (help.ts `exitRows`; a test holds the
 * README's table to it).
 */
/** Exit 2 of a command that asks no confirmation (a question: schedule, status), which nobody can decline. */
export const EXIT_USAGE_UNCONFIRMED = 'bad usage or invalid input: nothing was sent';

export const EXIT_MEANINGS: ReadonlyArray<readonly [code: ExitCode, meaning: string]> = [
  [EXIT.usage, 'bad usage or invalid input, or declined at the confirmation: nothing was sent'],
  [EXIT.timeout, 'no answer before --timeout (said with what came on the response topic and what to check): a change (clear, set) was published and may still be applied'],
  [EXIT.connection, 'cannot connect, not authorised, TLS failure, subscription refused, or connection lost'],
  [EXIT.invalidResponse, 'invalid response: an answer with our id that breaks the response schema'],
  [EXIT.internal, 'internal error: a bug in scp (rerun with --verbose for the stack)'],
  [EXIT.interrupted, 'interrupted (Ctrl-C); 143 terminated (SIGTERM)'],
];

export abstract class ScpError extends Error {
  abstract readonly exitCode: ExitCode;
}

/** Bad flags or input: nothing was sent. */
export class UsageError extends ScpError {
  readonly exitCode = EXIT.usage;
}

/** The request went out but no matching answer came in time. */
export class TimeoutError extends ScpError {
  readonly exitCode = EXIT.timeout;
}

/**
 * What a connection failure was, as the transport can tell it; the command words the advice that goes with it
 * (connection/advice.ts), since only the command knows which flag or setting would help.
 */
export type ConnectionFact =
  | { kind: 'login-refused' }
  | { kind: 'mqtt5-unsupported' }
  | { kind: 'tls-untrusted' }
  | { kind: 'qos-downgraded'; granted: number };

/** What a ConnectionError knows besides its words, each set where it is known. */
export interface ConnectionErrorDetails {
  /** The broker refused our user name or password, or said we are not authorised: worth asking for a password. */
  refusedLogin?: boolean;
  fact?: ConnectionFact;
  /** What became of the request, said last (` (nothing was sent)`), after any advice. */
  fate?: string;
  /** Certain that nothing was published (connecting, subscribing): another broker may be tried. */
  nothingSent?: boolean;
  /** The broker had accepted the connection (CONNACK) when this happened: it refused or stalled the subscription. */
  connected?: boolean;
  /** The connection went once it was up: a wait for an answer ended with it (core/outcome.ts `resultOf` judges it). */
  lost?: boolean;
}

/** Could not connect, was refused, or TLS failed; also a broker that drops us or refuses a subscription. */
export class ConnectionError extends ScpError {
  readonly exitCode = EXIT.connection;
  readonly refusedLogin: boolean;
  readonly fact?: ConnectionFact;
  readonly fate: string;
  /** The message before advice and fate. */
  readonly text: string;
  readonly nothingSent: boolean;
  readonly connected: boolean;
  readonly lost: boolean;
  constructor(text: string, details: ConnectionErrorDetails = {}) {
    const { refusedLogin = false, fact, fate = '', nothingSent = false, connected = false, lost = false } = details;
    super(`${text}${fate}`);
    this.text = text;
    this.refusedLogin = refusedLogin || fact?.kind === 'login-refused';
    this.fact = fact;
    this.fate = fate;
    this.nothingSent = nothingSent;
    this.connected = connected;
    this.lost = lost;
  }

  /** The same failure with more known about it, or worded anew: a new error (`text` replaces the words before the fate). */
  with(more: ConnectionErrorDetails & { text?: string }): ConnectionError {
    const { text = this.text, ...details } = more;
    const { refusedLogin, fact, fate, nothingSent, connected, lost } = this;
    return new ConnectionError(text, { refusedLogin, fact, fate, nothingSent, connected, lost, ...details });
  }
}

/** An answer carried our id but broke the response schema. */
export class InvalidResponseError extends ScpError {
  readonly exitCode = EXIT.invalidResponse;
}

/** `scp doctor`: a check failed (exit 1, as a station's refusal is): something must be put right before changing a station. */
export class CheckFailedError extends ScpError {
  readonly exitCode = EXIT.unknown;
}

/** `scp schedule --sum --site-limit`: the site's total passes its limit somewhere (exit 1, as a refusal is): the
 * profiles in force would let the site draw more than its grid connection allows. */
export class OverLimitError extends ScpError {
  readonly exitCode = EXIT.unknown;
}

/** Ctrl-C (130) or SIGTERM (143, as a shell reports 128 + 15): we disconnected and stopped waiting. */
export class InterruptedError extends ScpError {
  readonly exitCode: ExitCode;
  /** The signal's name (the abort reason), for a later error about the same interruption. */
  readonly signal: unknown;
  constructor(message: string, signal?: unknown) {
    super(message);
    this.signal = signal;
    this.exitCode = signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  }
}

/**
 * The one mapping from an outcome to an exit status, for a single request and a stream alike. An outcome that came
 * with an error takes the error's own code (an interruption is 130 or 143, not 4).
 */
export const EXIT_OF_OUTCOME: Readonly<Record<StreamOutcome, ExitCode>> = {
  accepted: EXIT.accepted,
  not_in_force: EXIT.unknown,
  unknown: EXIT.unknown,
  rejected: EXIT.unknown,
  invalid_input: EXIT.usage,
  timeout: EXIT.timeout,
  error: EXIT.connection,
  invalid_response: EXIT.invalidResponse,
};

/**
 * How a command ended: the outcomes of its requests (none: nothing to report), and the error that ended it, if one
 * did (an interruption, a lost connection, bad usage). Commands return it; `exitStatus` alone makes it a number.
 */
export interface Ending {
  outcomes?: Iterable<StreamOutcome>;
  error?: ScpError;
  /** What the run found besides its requests' outcomes (a site over its limit), said already: each weighs in the exit
   * status by its code, as an outcome does (a timeout elsewhere still exits 3). */
  findings?: readonly ScpError[];
}

/**
 * The one decision of an exit status (cli.ts calls it for every command): the error's own code (an interruption is
 * 130 or 143, not 4), else the most severe outcome or finding seen (5 > 4 > 3 > 2 > 1 > 0), 0 when there was nothing
 * to do.
 */
export function exitStatus({ outcomes = [], error, findings = [] }: Ending): ExitCode {
  if (error) return error.exitCode;
  let worst: ExitCode = EXIT.accepted;
  for (const outcome of outcomes) worst = Math.max(worst, EXIT_OF_OUTCOME[outcome]) as ExitCode;
  for (const finding of findings) worst = Math.max(worst, finding.exitCode) as ExitCode;
  return worst;
}
