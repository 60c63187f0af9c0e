/**
 * The "still waiting" line on a terminal's stderr. Loaded only when stderr is a terminal (see Output.spin), so a
 * script never pays for it and a log file never gets carriage returns.
 */
import type { OutStream } from './stdio.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const INTERVAL_MS = 80;

export class Spinner {
  private frame = 0;
  private since = performance.now();
  private limitMs: number | undefined;
  private text = '';
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly stream: OutStream) {
    this.timer = setInterval(() => this.draw(), INTERVAL_MS);
    // A spinner must never be what keeps the process alive.
    this.timer.unref();
  }

  /** A new stage: its own text, and its clock from zero (`of <limit>` when the stage has a timeout). */
  stage(text: string, limitMs?: number): void {
    this.text = text;
    this.limitMs = limitMs;
    this.since = performance.now();
    this.draw();
  }

  private draw(): void {
    const elapsed = ((performance.now() - this.since) / 1000).toFixed(1);
    const limit = this.limitMs === undefined ? '' : ` of ${this.limitMs / 1000} s`;
    this.frame = (this.frame + 1) % FRAMES.length;
    this.stream.write(`\r\u001b[K${FRAMES[this.frame]} ${this.text} ${elapsed} s${limit}`);
  }

  /** Wipes the line so that another message can be written; the next tick draws it again. */
  clear(): void {
    this.stream.write('\r\u001b[K');
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }
}
