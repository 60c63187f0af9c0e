/**
 * The timeouts of a stream, all of one length, in one queue with one timer: requests are acknowledged in about the
 * order they were sent, so the queue is in deadline order, and a timer per request (tens of thousands of timer
 * objects) is not needed. Settled requests are dropped when they reach the head.
 */
export class Deadlines<W extends { deadline: number; settled: boolean }> {
  private queue: W[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly now: () => number,
    private readonly expire: (w: W) => void,
  ) {}

  add(w: W): void {
    this.queue.push(w);
    // Answered requests leave from the head as new ones come in, so the queue holds about what is in flight.
    this.drop();
    if (!this.timer) this.arm();
  }

  private drop(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.settled) this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private arm(): void {
    this.drop();
    const first = this.queue[this.head];
    if (!first) {
      this.timer = undefined;
      return;
    }
    this.timer = setTimeout(() => this.sweep(), Math.max(0, first.deadline - this.now()));
  }

  private sweep(): void {
    const now = this.now();
    // Deadlines can be out of order by the spread of acknowledgement times; each is checked on its own.
    while (this.head < this.queue.length) {
      const w = this.queue[this.head]!;
      if (!w.settled && w.deadline > now) break;
      this.head++;
      if (!w.settled) this.expire(w);
    }
    this.arm();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.head = 0;
  }
}
