/**
 * The journal's pure part (src/core/journal.ts): how a line of it reads, and how `scp journal` sums up its runs.
 */
import { describe, expect, it } from 'vitest';
import { JournalReader, JournalSummary, evseOf, mayBeJournal, readEntry, type JournalEntry } from '../../src/core/journal.js';
import { parseSince } from '../../src/core/fields.js';

const who = { time: '2026-12-07T06:00:00.000Z', user: 'ops', host: 'laptop' };
const start = (run: string, time = who.time): JournalEntry => ({ v: 1, type: 'run', run, command: 'clear', input: 'ids.txt', brokers: ['mqtt://b:1883'], scp: '0.1.0', ...who, time });
const send = (run: string, line: number, station?: string, data: object = { charging_profile_id: line }): JournalEntry => ({
  v: 1,
  type: 'send',
  run,
  line,
  input: String(line),
  request: { id: `id-${line}`, name: 'clear_charging_profile', data },
  broker: 'mqtt://b:1883',
  ...(station === undefined ? {} : { station }),
  ...who,
});
const record = (run: string, line: number, outcome: string): JournalEntry =>
  ({ v: 1, type: 'record', run, line, time: who.time, record: { request: null, response: null, outcome, elapsed_ms: 1, line, input: String(line) } }) as JournalEntry;

function summed(entries: JournalEntry[], filter = {}) {
  const summary = new JournalSummary(filter);
  for (const entry of entries) summary.add(entry);
  return summary.list();
}

describe('readEntry', () => {
  it('reads an entry, passes over a blank line, and says what is wrong with the rest', () => {
    expect(readEntry(JSON.stringify(start('a'))).entry).toMatchObject({ type: 'run', run: 'a' });
    expect(readEntry('  ')).toEqual({});
    expect(readEntry('{"v":1,"run":"a","type":"rec')).toEqual({ problem: 'not a whole JSON line (cut short by a kill mid-write?)' });
    expect(readEntry('{"hello": 1}')).toEqual({ problem: 'not a journal entry' });
    // A last line without its newline was cut short, even where it reads as JSON.
    expect(readEntry(JSON.stringify(start('a')), false).problem).toMatch(/^cut short/);
  });

  it('finds the EVSE of a set or schedule request, and of a clear by criteria', () => {
    expect([evseOf({ evse_id: 'E1' }), evseOf({ charging_profile_criteria: { evse_id: 'E2' } }), evseOf({ charging_profile_id: 1 })]).toEqual(['E1', 'E2', undefined]);
  });
});

describe('JournalSummary', () => {
  it('counts each line once, by its latest record (one published without a record is a timeout); a run is finished once it ends after it was last taken up', () => {
    const runs = summed([
      start('a'),
      send('a', 1),
      send('a', 2),
      record('a', 1, 'accepted'),
      record('a', 2, 'unknown'),
      { v: 1, type: 'end', run: 'a', time: who.time, outcomes: {} },
      { v: 1, type: 'continue', run: 'a', again: 'failed', ...who },
      send('a', 2),
      record('a', 2, 'accepted'),
      start('b'),
      send('b', 1),
    ]);
    expect(runs.map(({ run, lines, outcomes, continued, finished }) => ({ run, lines, outcomes, continued, finished }))).toEqual([
      { run: 'a', lines: 2, outcomes: { accepted: 2 }, continued: 1, finished: false },
      { run: 'b', lines: 1, outcomes: { timeout: 1 }, continued: 0, finished: false },
    ]);
  });

  it('lists outcomes in one order, whatever order the answers came in, and an interrupted end is not finished', () => {
    const [run] = summed([start('a'), record('a', 1, 'timeout'), record('a', 2, 'unknown'), record('a', 3, 'accepted'), { v: 1, type: 'end', run: 'a', time: who.time, outcomes: {}, interrupted: true }]);
    expect(Object.keys(run!.outcomes)).toEqual(['accepted', 'unknown', 'timeout']);
    expect([run!.finished, run!.interrupted]).toEqual([false, true]);
    // Killed (no end entry): neither; taken up again after an interruption: no longer interrupted.
    const [killed, taken] = summed([start('k'), send('k', 1), start('t'), { v: 1, type: 'end', run: 't', time: who.time, outcomes: {}, interrupted: true }, { v: 1, type: 'continue', run: 't', again: 'unsent', ...who }]);
    expect([killed!.finished, killed!.interrupted, taken!.finished, taken!.interrupted]).toEqual([false, false, false, false]);
  });

  it('narrows to a station, an EVSE, an outcome and a start time, counting only what matches', () => {
    const entries = [
      start('old', '2026-12-01T00:00:00.000Z'),
      send('old', 1, '7'),
      record('old', 1, 'accepted'),
      start('new'),
      send('new', 1, '7', { evse_id: 'E1' }),
      send('new', 2, '8', { evse_id: 'E2' }),
      record('new', 1, 'rejected'),
      record('new', 2, 'accepted'),
    ];
    const lines = (filter: object) => summed(entries, filter).map((run) => [run.run, run.lines, run.outcomes]);
    expect(lines({ station: '7' })).toEqual([['old', 1, { accepted: 1 }], ['new', 1, { rejected: 1 }]]);
    expect(lines({ evse: 'E2' })).toEqual([['new', 1, { accepted: 1 }]]);
    expect(lines({ outcome: 'rejected' })).toEqual([['new', 1, { rejected: 1 }]]);
    expect(lines({ since: Date.parse('2026-12-05T00:00:00Z') })).toEqual([['new', 2, { rejected: 1, accepted: 1 }]]);
  });
});

describe("--since, as an operator says it", () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  it('a time with a zone, a day from local midnight, or how long ago', () => {
    expect(parseSince('--since', '2026-12-01T18:00:00+01:00', now)).toBe(Date.parse('2026-12-01T17:00:00Z'));
    expect(parseSince('--since', '2026-12-01', now)).toBe(new Date(2026, 11, 1).getTime());
    expect(parseSince('--since', '90m', now)).toBe(now - 90 * 60_000);
    expect(parseSince('--since', '2h', now)).toBe(Date.parse('2026-12-07T10:00:00Z'));
    expect(parseSince('--since', '7d', now)).toBe(Date.parse('2026-11-30T12:00:00Z'));
  });

  it('refuses a bare number, an impossible day, a time without a zone and words, naming the flag', () => {
    for (const raw of ['2026', '2026-02-30', '2026-12-01T18:00:00', 'yesterday', '0h', '-2h', '']) {
      expect(() => parseSince('--since', raw, now), raw).toThrow(/^--since: ".*" is not allowed; expected a time with a zone/);
    }
  });
});

describe('JournalReader', () => {
  const readAll = (lines: Array<[string, boolean?]>) => {
    const warnings: string[] = [];
    const reader = new JournalReader('j.jsonl', '--journal', (message) => warnings.push(message));
    const entries = lines.map(([text, whole = true]) => reader.read(text, whole)).filter(Boolean);
    reader.done();
    return { entries: entries.length, warnings };
  };

  it('hands back entries, names the first three lines that are none and counts the rest', () => {
    const entry = JSON.stringify(start('a'));
    expect(readAll([[entry], ['x'], [entry], ['y'], ['z'], ['w'], ['{"v":1,"run', false]])).toEqual({
      entries: 2,
      warnings: [
        'journal "j.jsonl": line 2 skipped: not a whole JSON line (cut short by a kill mid-write?)',
        'journal "j.jsonl": line 4 skipped: not a whole JSON line (cut short by a kill mid-write?)',
        'journal "j.jsonl": line 5 skipped: not a whole JSON line (cut short by a kill mid-write?)',
        'journal "j.jsonl": 2 more lines skipped (no journal entries)',
      ],
    });
    expect(readAll([[entry], ['x'], ['y'], ['z'], ['w']]).warnings.at(-1)).toBe('journal "j.jsonl": 1 more line skipped (no journal entries)');
  });

  it('refuses a file whose first line is no entry: someone else\'s file, not a journal', () => {
    expect(() => readAll([['1'], ['2']])).toThrow('--journal: "j.jsonl" is not a journal (its first line is no journal entry): give a new file, or one scp wrote');
    // A first write cut short by a kill still starts as an entry does.
    expect(readAll([['{"v":1,"ru'], [JSON.stringify(start('a'))]]).entries).toBe(1);
  });

  it('mayBeJournal: empty, an entry, or the start of one', () => {
    expect([mayBeJournal(''), mayBeJournal('  '), mayBeJournal('{"v'), mayBeJournal('{"v":1,"run":"a"}')]).toEqual([true, true, true, true]);
    expect([mayBeJournal('1'), mayBeJournal('{"id": 1}'), mayBeJournal('# ids'), mayBeJournal('{ "v": 1 }')]).toEqual([false, false, false, false]);
  });
});
