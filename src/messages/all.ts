/**
 * Every message whole, as the simulator serves it: each entry with its station's side (station.ts). Loaded by the
 * simulator (and tests that go over every message), never by a command that sends one: the registry's order and
 * members are index.ts's, which a test holds this list to.
 */
import type { ServedMessage } from './kind.js';
import { clear } from './clear/index.js';
import { clearStation } from './clear/station.js';
import { set } from './set/index.js';
import { setStation } from './set/station.js';
import { schedule } from './schedule/index.js';
import { scheduleStation } from './schedule/station.js';
import { status } from './status/index.js';
import { statusStation } from './status/station.js';

export const ALL_MESSAGES: readonly ServedMessage[] = [
  { ...clear, ...clearStation },
  { ...set, ...setStation },
  { ...schedule, ...scheduleStation },
  { ...status, ...statusStation },
];
