/**
 * The pieces that keep start-up short (#29) and must not change what a run does: the code cache a run picks, the
 * colourless palette that stands in for chalk, the lazy lru-cache MQTT.js is given, and the stdout/stderr writer
 * that goes without Node's streams. How fast they are is the bench's business; here, that they are exact.
 */
import { describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asksHelpOnly, cacheFile, cacheFor } from '../../src/launch/cache.js';
import { PLAIN } from '../../src/output/plain.js';
import { Stdio } from '../../src/output/stdio.js';

const CACHED = ['clear', 'clear-dry-run', 'set'];

describe('cacheFor: the code cache a run uses', () => {
  it.each([
    [[], 'root'],
    [['--help'], 'root'],
    [['config', 'show'], 'root'],
    [['clear', '--id', '1'], 'clear'],
    [['--broker', 'mqtt://b', 'clear', '--id', '1'], 'clear'],
    [['clear', '--id', '1', '--dry-run'], 'clear-dry-run'],
    // No dry-run cache for set: its own.
    [['set', '--id', '1', '--dry-run'], 'set'],
    [['simulate', '--embedded', '0'], 'root'],
    [['help', 'clear'], 'root'],
    [['clear', '--help'], 'root'],
    [['clear', '-h'], 'root'],
  ])('%j -> %s', (argv, expected) => {
    expect(cacheFor(argv, CACHED)).toBe(expected);
  });

  it('is a file beside the bundle', () => {
    expect(cacheFile('/x/dist/scp.cjs', 'clear-dry-run')).toBe('/x/dist/scp.clear-dry-run.cache');
  });
});

describe('asksHelpOnly: the runs the help bundle answers', () => {
  const COMMANDS = ['clear', 'config', 'help'];
  it.each([
    [['--help'], true],
    [['-h'], true],
    [['help'], true],
    [['help', 'clear'], true],
    [['clear', '--help'], true],
    [['config', '-h'], true],
    [[], false],
    [['help', 'nonsense'], false],
    [['nonsense', '--help'], false],
    [['clear', '--id', '1', '--help'], false],
    [['--help', '--verbose'], false],
    [['config', 'show', '--help'], false],
    [['clear', '--id'], false],
  ])('%j: %s', (argv, expected) => {
    expect(asksHelpOnly(argv, COMMANDS)).toBe(expected);
  });
});

describe('PLAIN: chalk at level 0 without chalk', () => {
  it('gives the text as it is, for every style, chained or not', () => {
    expect(PLAIN.green('accepted')).toBe('accepted');
    expect(PLAIN.yellow.bold('unknown')).toBe('unknown');
    expect(PLAIN.dim.cyan('a', 'b')).toBe('a b');
    expect(PLAIN('plain')).toBe('plain');
  });
});

describe('the lru-cache stand-in MQTT.js is bundled with', () => {
  it('is the real lru-cache once constructed: least recently used first out', () => {
    const { LRUCache } = createRequire(import.meta.url)('../../src/shims/lru-cache.cjs');
    const cache = new LRUCache({ max: 2 });
    cache.set(1, 'a');
    cache.set(2, 'b');
    cache.get(1);
    cache.set(3, 'c');
    expect([...cache.keys()]).toEqual([3, 1]);
    expect(cache.size).toBe(2);
    expect(cache.constructor.name).toBe('LRUCache');
  });
});

describe('Stdio: writes to the descriptor until a stream is needed', () => {
  it('writes text with write(2), in order, and a file is no terminal', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'scp-stdio-')), 'out');
    const fd = openSync(file, 'w');
    try {
      let opened = 0;
      const out = new Stdio(fd, () => {
        opened++;
        throw new Error('no stream is needed to write to a file');
      });
      expect(out.write('one\n')).toBe(true);
      expect(out.write('twö\n')).toBe(true);
      expect(out.isTTY).toBe(false);
      expect(out.columns).toBeUndefined();
      expect(opened).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe('one\ntwö\n');
  });

  it('hands over to the stream once one is asked for', () => {
    const written: string[] = [];
    const stream = { write: (text: string) => written.push(text) > 0, isTTY: false } as unknown as NodeJS.WriteStream;
    const out = new Stdio(1, () => stream);
    expect(out.node).toBe(stream);
    out.write('through the stream\n');
    expect(written).toEqual(['through the stream\n']);
  });
});
