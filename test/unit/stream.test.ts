/**
 * The pure parts of `scp clear --input`: which V8 heap flags a stream sets for itself, and the exit status.
 */
import { describe, expect, it } from 'vitest';
import { streamHeapFlags } from '../../src/pipeline/stream-heap.js';
import { exitStatus } from '../../src/core/errors.js';

const streamExitCode = (outcomes: Parameters<typeof exitStatus>[0]['outcomes']) => exitStatus({ outcomes });

describe('streamHeapFlags', () => {
  it('holds the young generation at its start size and the old one near what is live', () => {
    expect(streamHeapFlags([])).toEqual(['--semi-space-growth-factor=1', '--heap-growing-percent=100']);
  });

  it("leaves a flag the user gave Node alone, in either spelling, from node's arguments or NODE_OPTIONS", () => {
    expect(streamHeapFlags(['--heap-growing-percent=50'])).toEqual(['--semi-space-growth-factor=1']);
    expect(streamHeapFlags(['--semi_space_growth_factor=4'])).toEqual(['--heap-growing-percent=100']);
  });

  it('leaves young generation growth to a user who sized its semi-spaces', () => {
    expect(streamHeapFlags(['--max-semi-space-size=64'])).toEqual(['--heap-growing-percent=100']);
    expect(streamHeapFlags(['--min_semi_space_size=8', '--enable-source-maps'])).toEqual(['--heap-growing-percent=100']);
  });
});

describe('exitStatus of a stream', () => {
  it('is 0 only when every line was accepted, else the most severe outcome seen', () => {
    expect(streamExitCode([])).toBe(0);
    expect(streamExitCode(['accepted'])).toBe(0);
    expect(streamExitCode(['accepted', 'unknown'])).toBe(1);
    expect(streamExitCode(['unknown', 'invalid_input', 'accepted'])).toBe(2);
    expect(streamExitCode(['invalid_input', 'timeout'])).toBe(3);
    expect(streamExitCode(['timeout', 'error', 'invalid_input'])).toBe(4);
    expect(streamExitCode(['error', 'invalid_response', 'accepted'])).toBe(5);
  });
});
