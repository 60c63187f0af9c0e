/**
 * The message registry: every Smart Charging message scp speaks, one entry each (see kind.ts for what an entry
 * holds and README "Adding a message" for the checklist). The simulator serves every entry; each command sends one.
 */
import { clear } from './clear.js';
import type { MessageKind } from './kind.js';
import { set } from './set.js';
import { schedule } from './schedule.js';

export const MESSAGES = { clear, set, schedule } as const;

/** Every entry, for code that serves them all (the simulator). */
export const ALL_MESSAGES: readonly MessageKind[] = Object.values(MESSAGES) as unknown as readonly MessageKind[];
