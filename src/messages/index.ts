/**
 * The message registry: every Smart Charging message scp speaks, one entry each (see kind.ts for what an entry
 * holds and README "Adding a message" for the checklist). The simulator serves every entry; each command sends one.
 */
import { clear } from './clear/index.js';
import type { MessageKind } from './kind.js';
import { COMMON_OPTIONS, type OptionSpec } from '../options.js';
import { set } from './set/index.js';
import { schedule } from './schedule/index.js';

export const MESSAGES = { clear, set, schedule } as const;

/** Every entry, for code that serves them all (the simulator). */
export const ALL_MESSAGES: readonly MessageKind[] = Object.values(MESSAGES);

/** The whole option table: the global options and simulate's (options.ts), then each message command's, in the
 * registry's order. commander's options, completion and `config show` are read off it. */
export const OPTIONS: readonly OptionSpec[] = [...COMMON_OPTIONS, ...ALL_MESSAGES.flatMap((message) => message.options)];

/** The options a command takes (undefined: the global ones), in the table's order. */
export function optionsOf(command: string | undefined): readonly OptionSpec[] {
  return OPTIONS.filter((spec) => spec.command === command);
}
