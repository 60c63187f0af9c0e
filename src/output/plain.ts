/**
 * The output layer's plain writer, for the few lines written where a command's Output does not exist (commander's
 * help and usage errors, the launcher's hand-over messages, an internal error) or would cost start-up time to load:
 * no colour, nothing imported (chalk's type only). Everything else goes through Output (render.ts).
 */
import type { ChalkInstance } from 'chalk';

export type Stream = Pick<NodeJS.WritableStream, 'write'>;

/**
 * chalk at level 0 without loading chalk: every style, chained or not, gives the text as it is (`PLAIN.green.bold(x)`
 * is `x`), as chalk does where colour is off.
 */
export const PLAIN: ChalkInstance = new Proxy(((...text: unknown[]) => text.join(' ')) as ChalkInstance, { get: () => PLAIN });

/** Text that is already formatted (commander's help and usage errors): as is. */
export function writeText(stream: Stream, text: string): void {
  stream.write(text);
}

/** One `scp: ` line on stderr. */
export function writeLine(stream: Stream, message: string): void {
  stream.write(`scp: ${message}\n`);
}

/** Text from the broker or the service is shown escaped: a control character must not drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
