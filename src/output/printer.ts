/**
 * The results of an `--input` stream on stdout: in input order (or as they come), gathered into one write per turn
 * of the event loop, with backpressure from a slow reader, and a quiet stop when the reader goes away (`| head`).
 * Part of Output (render.ts), which hands it the line format and what to do before each write.
 */
import type { StreamPrinter, StreamRecord } from './records.js';
import type { OutStream } from './stdio.js';

export class RecordPrinter implements StreamPrinter {
  pending = 0;
  closed = false;
  private readonly held = new Map<number, StreamRecord>();
  private queue: StreamRecord[] = [];
  private head = 0;
  private nextIndex = 0;
  private blocked = false;
  private drained: () => void = () => undefined;
  private batch = '';
  private scheduled = false;
  private readonly onError = (err: NodeJS.ErrnoException) => {
    // `| head` closed the pipe: no error message, no more output, the stream ends.
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
      this.closed = true;
      this.drained();
    }
  };

  constructor(
    private readonly stdout: OutStream,
    private readonly lineOf: (record: StreamRecord) => string,
    private readonly beforeWrite: () => void,
    private readonly ordered: boolean,
    readonly window: number,
  ) {
    stdout.on('error', this.onError);
  }

  put(index: number, record: StreamRecord): void {
    if (this.closed) return;
    this.pending++;
    if (this.ordered) this.held.set(index, record);
    else this.queue.push(record);
    this.flush();
  }

  onDrain(callback: () => void): void {
    this.drained = callback;
  }

  end(): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = () => {
        if (this.closed || (this.pending === 0 && !this.blocked && this.batch === '')) {
          this.stdout.off('error', this.onError);
          resolve();
          return true;
        }
        return false;
      };
      if (!check()) {
        const previous = this.drained;
        this.drained = () => {
          previous();
          check();
        };
      }
    });
  }

  /** The next record that may be printed: the next in input order, or the oldest that came. */
  private take(): StreamRecord | undefined {
    if (this.ordered) {
      const record = this.held.get(this.nextIndex);
      if (record) {
        this.held.delete(this.nextIndex);
        this.nextIndex++;
      }
      return record;
    }
    if (this.head === this.queue.length) return undefined;
    const record = this.queue[this.head++];
    if (this.head > 4096) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return record;
  }

  // Lines are gathered and written once per turn of the event loop: one write per record would cost one system
  // call each, the largest single cost of a fast stream.
  private readonly write = () => {
    this.scheduled = false;
    if (this.closed || this.batch === '') return;
    const chunk = this.batch;
    this.batch = '';
    this.beforeWrite();
    // Backpressure: a slow reader of stdout slows the stream instead of filling memory.
    if (!this.stdout.write(chunk)) {
      this.blocked = true;
      this.stdout.once('drain', () => {
        this.blocked = false;
        this.flush();
      });
    }
    this.drained();
  };

  private flush(): void {
    while (!this.blocked && !this.closed) {
      const record = this.take();
      if (!record) break;
      this.pending--;
      this.batch += this.lineOf(record);
      if (this.batch.length >= 65536) this.write();
    }
    if (this.batch !== '' && !this.scheduled && !this.blocked) {
      this.scheduled = true;
      setImmediate(this.write);
    }
    this.drained();
  }
}
