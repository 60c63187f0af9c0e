/**
 * The process's stdout and stderr as the CLI writes them: straight to the file descriptor (write(2)) until something
 * needs Node's stream itself (a terminal's width, backpressure, the questions), from then on through that stream.
 * Creating process.stdout and process.stderr loads Node's stream library and, for a pipe, its net module: about
 * 2 ms, a quarter of what `scp --help` added to Node's own start (#29). Both ways are synchronous for files, pipes
 * and terminals on Linux and macOS, so switching keeps the order of what was written.
 */
import { fstatSync, writeSync } from 'node:fs';
import { platform } from 'node:process';

/** What the CLI writes results and messages to: a Stdio, or any stream (the tests' PassThrough). */
export interface OutStream {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  once(event: 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Whether the descriptor is surely not a terminal, seen without Node's stream (whose creation loads node:tty, net
 * and the streams): files, pipes and sockets, and Linux's memory devices (/dev/null is character device 1,3). For
 * any other character device, Node's stream answers.
 */
function surelyNotTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return !stat.isCharacterDevice() || (platform === 'linux' && stat.rdev >> 8 === 1);
  } catch {
    return true;
  }
}

export class Stdio implements OutStream {
  private stream: NodeJS.WriteStream | undefined;
  private terminal: boolean | undefined;
  /** The reader went away (EPIPE): nothing more is written, quietly, as `| head` expects. */
  private gone = false;

  /** `open` returns Node's stream (process.stdout), with whatever handlers the caller wants on it. */
  constructor(
    private readonly fd: number,
    private readonly open: () => NodeJS.WriteStream,
  ) {}

  /** Node's stream, made now if it was not: for what needs more than write (questions, events, a terminal's width). */
  get node(): NodeJS.WriteStream {
    this.stream ??= this.open();
    return this.stream;
  }

  get isTTY(): boolean {
    this.terminal ??= this.stream === undefined && surelyNotTerminal(this.fd) ? false : Boolean(this.node.isTTY);
    return this.terminal;
  }

  get columns(): number | undefined {
    return this.isTTY ? this.node.columns : undefined;
  }

  write(text: string): boolean {
    if (this.stream) return this.stream.write(text);
    if (this.gone) return true;
    const bytes = Buffer.from(text);
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        this.gone = true;
        return true;
      }
      // A pipe a parent made non-blocking and that is full: Node's stream waits for it.
      if (code === 'EAGAIN') return this.node.write(bytes.subarray(done));
      throw err;
    }
  }

  once(event: 'drain', listener: () => void): this {
    this.node.once(event, listener);
    return this;
  }

  on(event: 'error', listener: (err: Error) => void): this {
    this.node.on(event, listener);
    return this;
  }

  off(event: 'error', listener: (err: Error) => void): this {
    this.node.off(event, listener);
    return this;
  }
}

/** A stream for what needs a whole Node stream (the questions): Node's own behind a Stdio, any other as it is (a
 * test's PassThrough). */
export function nodeStream(stream: OutStream): NodeJS.WritableStream {
  return stream instanceof Stdio ? stream.node : (stream as unknown as NodeJS.WritableStream);
}
