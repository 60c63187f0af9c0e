/**
 * `scp clear --input`: what one input line asks for, and what a whole stream's exit status is. Pure.
 */
import type { ClearChargingProfileRequestData } from './generated/types.js';
import type { Outcome } from './outcome.js';
import { checkClearRequestOnWire } from './validate.js';
import { CHECK_ID } from './request.js';

export type InputLine =
  | { kind: 'skip' }
  | { kind: 'request'; data: ClearChargingProfileRequestData }
  | { kind: 'invalid'; reason: string };

const SKIP: InputLine = { kind: 'skip' };

/**
 * A line is a profile id (`7`) or a JSON object shaped like the request's `data`; blank lines and `#` comments are
 * skipped. Anything else is invalid input, with the reason: the stream goes on without sending it.
 */
export function parseInputLine(line: string): InputLine {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return SKIP;
  let data: unknown;
  if (/^-?[0-9]+$/.test(text)) {
    data = { charging_profile_id: Number(text) };
  } else if (text.startsWith('{')) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      return { kind: 'invalid', reason: `not JSON (${(err as Error).message})` };
    }
  } else {
    return { kind: 'invalid', reason: 'expected a profile id (digits) or a JSON object like {"charging_profile_id": 7}' };
  }
  // Checked as a whole envelope (with a placeholder id), so the schema stays the one judge of `data`.
  const checked = checkClearRequestOnWire({ id: CHECK_ID, name: 'clear_charging_profile', type: 'request', data });
  if (!checked.ok) return { kind: 'invalid', reason: checked.problems.join('; ') };
  const request = checked.value.data;
  if (request.charging_profile_id !== undefined && request.charging_profile_criteria !== undefined) {
    // As with the flags: a station clears by id and ignores criteria, so the narrowing would silently not apply.
    return { kind: 'invalid', reason: 'charging_profile_id cannot be combined with charging_profile_criteria: the station clears by id and ignores criteria' };
  }
  return { kind: 'request', data: request };
}

export type StreamOutcome = Outcome | 'invalid_input';

/**
 * V8 flags for a long stream, so that memory does not grow with the input. Without them V8 doubles the young
 * generation up to 16 MiB semi-spaces over a long run, and lets the old generation (where requests still in flight
 * at a scavenge are promoted, to die there) grow up to four times what is live before a full collection: a 100,000
 * line stream peaked at 1.5 times the memory of a 10,000 line one. Both flags are read by V8 whenever it decides
 * to grow (unlike --max-semi-space-size, read only at start), so the running process can set them. Measured
 * (npm run bench:batch and A/B runs): 1.00-1.03 times the 10,000 line run, for ~4% more CPU (more scavenges).
 * Twice what is live (100%) costs no more memory than 25% did here, and fewer full collections. A flag the user gave
 * Node is theirs and is left alone (these two are not allowed in NODE_OPTIONS, --max-semi-space-size is).
 */
const STREAM_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=100'];

export function streamHeapFlags(nodeArgs: readonly string[]): string[] {
  const named = (flag: string) => flag.replace(/^--/, '').split('=')[0]!.replaceAll('_', '-');
  const set = new Set(nodeArgs.map(named));
  // A semi-space size chosen for Node is a choice about the young generation: growth is theirs to decide then.
  return STREAM_HEAP_FLAGS.filter((flag) => !set.has(named(flag)) && !(named(flag) === 'semi-space-growth-factor' && (set.has('max-semi-space-size') || set.has('min-semi-space-size'))));
}
