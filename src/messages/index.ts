/**
 * The message registry: every Smart Charging message scp speaks, one line each (see kind.ts for what a message is
 * and src/README.md "Adding a message" for the checklist). A line is the message's face (face.ts: its command, options,
 * help, samples, exit words) and how to load the rest: a command evaluates only its own message, and only when it
 * runs. The simulator, which serves every message whole, takes them from all.ts.
 */
import type { MessageFace } from './kind.js';
import { COMMON_OPTIONS, type OptionSpec } from '../options.js';
import { clearFace } from './clear/face.js';
import { setFace } from './set/face.js';
import { scheduleFace } from './schedule/face.js';
import { statusFace } from './status/face.js';

/** Every message, in the order commands and help list them. */
export const MESSAGES: readonly MessageFace[] = [
  { ...clearFace, load: async () => (await import('./clear/index.js')).clear },
  { ...setFace, load: async () => (await import('./set/index.js')).set },
  { ...scheduleFace, load: async () => (await import('./schedule/index.js')).schedule },
  { ...statusFace, load: async () => (await import('./status/index.js')).status },
];

/** The whole option table: the global options and simulate's (options.ts), then each message command's, in the
 * registry's order. commander's options, completion and `config show` are read off it. */
export const OPTIONS: readonly OptionSpec[] = [...COMMON_OPTIONS, ...MESSAGES.flatMap((message) => message.options)];

/** The options a command takes (undefined: the global ones), in the table's order. */
export function optionsOf(command: string | undefined): readonly OptionSpec[] {
  return OPTIONS.filter((spec) => spec.command === command);
}
