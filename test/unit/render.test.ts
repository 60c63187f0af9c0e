/**
 * Output's status lines on a terminal: the stream's progress line never has another line written over its end.
 */
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/output/render.js';
import { PLAIN } from '../../src/output/plain.js';
import { showStreamSummary, streamPrinter } from '../../src/output/stream.js';
import { clear } from '../../src/messages/clear/index.js';
import { rendered } from '../helpers/pty.js';

function terminal(isTTY = true) {
  let raw = '';
  const stream = Object.assign(
    {
      write: (chunk: string) => {
        raw += chunk;
        return true;
      },
      on: () => stream,
      once: () => stream,
      off: () => stream,
    },
    { isTTY },
  );
  return { stream: stream as unknown as NodeJS.WritableStream & { isTTY: boolean }, raw: () => raw };
}

const output = (stdout: ReturnType<typeof terminal>, stderr: ReturnType<typeof terminal>) =>
  new Output({ stdout: stdout.stream, stderr: stderr.stream, env: {}, json: false, verbose: false, color: false }, { out: PLAIN, err: PLAIN });

describe('the progress line', () => {
  it('is taken off the terminal before a warning, and drawn again by the next progress', () => {
    const tty = terminal();
    const out = output(tty, tty);
    out.progress(3, 10, 1000);
    out.warn('reconnected to the broker after losing the connection (attempt 1)');
    out.progress(10, 10, 2000);
    out.clearProgress();
    showStreamSummary(out, new Map([['accepted', 10]]), 2000);
    expect(rendered(tty.raw())).toEqual([
      'scp: warning: reconnected to the broker after losing the connection (attempt 1)',
      'scp: 10 requests: 10 accepted; 2.00 s, 5 per second',
    ]);
    expect(tty.raw()).toContain('scp: 3/10 done, 3/s');
    expect(tty.raw()).toContain('scp: 10/10 done, 5/s');
  });

  it('the summary of one request says request, not requests', () => {
    const tty = terminal();
    showStreamSummary(output(tty, tty), new Map([['accepted', 1]]), 500);
    expect(rendered(tty.raw())).toEqual(['scp: 1 request: 1 accepted; 0.50 s, 2 per second']);
  });

  it('is taken off before results are printed to the same terminal', async () => {
    const tty = terminal();
    const out = output(tty, tty);
    const printer = streamPrinter(out, { ordered: true, window: 16, kind: clear });
    out.progress(1, undefined, 500);
    printer.put(0, { request: null, response: null, outcome: 'invalid_input', error: 'not JSON', elapsed_ms: 0, line: 1, input: '{' });
    await printer.end();
    out.clearProgress();
    expect(rendered(tty.raw())).toEqual(['line 1: invalid input: not JSON']);
    expect(tty.raw()).toContain('scp: 1 done, 2/s');
  });

  it('stays while results go elsewhere (stdout is not a terminal), and is never drawn when stderr is not one', async () => {
    const file = terminal(false);
    const tty = terminal();
    const out = output(file, tty);
    const printer = streamPrinter(out, { ordered: true, window: 16, kind: clear });
    out.progress(1, 2, 500);
    printer.put(0, { request: null, response: null, outcome: 'invalid_input', error: 'not JSON', elapsed_ms: 0, line: 1, input: '{' });
    await printer.end();
    expect(rendered(tty.raw())).toEqual(['scp: 1/2 done, 2/s']);
    const pipe = terminal(false);
    const quiet = output(file, pipe);
    quiet.progress(1, 2, 500);
    quiet.clearProgress();
    expect(pipe.raw()).toBe('');
  });
});
