/**
 * One error class per outcome a script may want to branch on, each carrying its exit code. `main()` in cli.ts is
 * the only place that turns them into an exit status; nothing else calls process.exit.
 */
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

/** Could not connect, was refused, or TLS failed; also a broker that drops us or refuses a subscription. */
export class ConnectionError extends ScpError {
  readonly exitCode = EXIT.connection;
  /** The broker refused our user name or password, or said we are not authorised: worth asking for a password. */
  readonly refusedLogin: boolean;
  constructor(message: string, { refusedLogin = false }: { refusedLogin?: boolean } = {}) {
    super(message);
    this.refusedLogin = refusedLogin;
  }
}

/** An answer carried our id but broke the response schema. */
export class InvalidResponseError extends ScpError {
  readonly exitCode = EXIT.invalidResponse;
}

/** Ctrl-C (130) or SIGTERM (143, as a shell reports 128 + 15): we disconnected and stopped waiting. */
export class InterruptedError extends ScpError {
  readonly exitCode: ExitCode;
  constructor(message: string, signal?: unknown) {
    super(message);
    this.exitCode = signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  }
}

/** The exit status of a finished command: its error's code, else what the service answered. */
export function exitCodeFor(outcome: string, error?: ScpError): ExitCode {
  if (error) return error.exitCode;
  return outcome === 'accepted' ? EXIT.accepted : EXIT.unknown;
}
