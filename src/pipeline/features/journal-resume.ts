/**
 * --resume and --retry-failed (with --input and --journal): take up the last run of this command over an input, as
 * the journal holds it, without sending a line twice. Before anything is sent, the input is held against the run's
 * lines (a changed or missing line is refused, exit 2). Then each line the run has a record of is printed again from
 * the journal, marked `resumed`; a line it published but has no answer for is a `timeout` ("published before the
 * interruption"), never sent again; every other line is sent as usual, under the same run. --retry-failed sends again
 * the lines whose record is not accepted, and those without an answer. The run's entries are indexed by where they
 * are in the file, and a record is read back only when its line comes: memory holds each line's input, not its record.
 */
import { unreadable } from '../../connection/secrets.js';
import { settingLabel } from '../../connection/settings.js';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { TimeoutError, UsageError } from '../../core/errors.js';
import { JournalReader, type JournalEntry, type RecordEntry, type SendEntry } from '../../core/journal.js';
import type { StreamRecord } from '../../core/outcome.js';
import { lineRecordOf } from '../../core/result.js';
import { fileLines } from '../../transport/files.js';
import { journalFor } from './journal.js';
import type { Run, Step } from '../steps.js';

/** Where an entry is in the journal. */
type At = { offset: number; length: number };

/** What the run knows of one line: its input, and where its latest send and record entries are. */
interface Known {
  input: string;
  send?: At;
  record?: At;
  accepted: boolean;
}

/** Every entry of the journal with where it is, in order; a line that is no entry (torn by a kill) is warned about. */
async function* entriesOf(path: string, label: string, warn: (message: string) => void): AsyncGenerator<{ entry: JournalEntry; at: At }> {
  const reader = new JournalReader(path, label, warn);
  for await (const { text, offset, length, whole } of fileLines(path)) {
    const entry = reader.read(text, whole);
    if (entry) yield { entry, at: { offset, length } };
  }
  reader.done();
}

/** The last run of `command` over an input: the one most recently started or taken up. */
async function lastRun(path: string, label: string, command: string): Promise<string | undefined> {
  const ours = new Set<string>();
  let last: string | undefined;
  for await (const { entry } of entriesOf(path, label, () => undefined)) {
    if (entry.type === 'run' && entry.command === command && entry.input !== undefined) ours.add(entry.run);
    if ((entry.type === 'run' || entry.type === 'continue') && ours.has(entry.run)) last = entry.run;
  }
  return last;
}

/** Each line of the run: its input, and its latest send and record entries. */
async function linesOf(path: string, label: string, run: string, warn: (message: string) => void): Promise<Map<number, Known>> {
  const lines = new Map<number, Known>();
  for await (const { entry, at } of entriesOf(path, label, warn)) {
    if (entry.run !== run || (entry.type !== 'send' && entry.type !== 'record')) continue;
    const line = entry.line ?? (entry.type === 'record' ? (entry.record as StreamRecord).line : undefined);
    if (line === undefined) continue;
    const input = entry.type === 'send' ? entry.input : (entry.record as StreamRecord).input;
    const known = lines.get(line) ?? { input: input ?? '', accepted: false };
    if (entry.type === 'send') {
      known.send = at;
      known.record = undefined;
    } else {
      known.record = at;
      known.accepted = entry.record.outcome === 'accepted';
    }
    lines.set(line, known);
  }
  return lines;
}

/** An entry read back from where it is. */
function readAt(fd: number, at: At): JournalEntry {
  const buffer = Buffer.alloc(at.length);
  readSync(fd, buffer, 0, at.length, at.offset);
  return JSON.parse(buffer.toString('utf8')) as JournalEntry;
}

const shown = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** Holds the input against the run's lines, before anything is sent: every line the run has must be there, unchanged. */
async function checkInput(lines: ReadonlyMap<number, Known>, input: NodeJS.ReadableStream, named: string, flag: string): Promise<void> {
  let number = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    number++;
    const known = lines.get(number);
    if (known !== undefined && known.input !== text) {
      throw new UsageError(`${flag}: line ${number} of ${named} is not what the run had there (${shown(known.input)}, now ${shown(text)}): nothing was sent`);
    }
  }
  const missing = [...lines.keys()].find((line) => line > number);
  if (missing !== undefined) throw new UsageError(`${flag}: ${named} has ${number} lines, but the run had line ${missing}: nothing was sent`);
}

async function readWhole(input: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function open(run: Run): Promise<Step> {
  const { options, flags, kind, output } = run;
  const failed = options.retryFailed === true;
  const flag = failed ? '--retry-failed' : '--resume';
  if (failed && options.resume === true) throw new UsageError('--retry-failed: not with --resume (it takes the run up too, and sends again what failed)');
  const path = flags.journal;
  if (path === undefined) throw new UsageError(`${flag}: needs --journal <file>, the journal of the run to take up (or SCP_JOURNAL, or a profile's journal)`);
  if (!run.sends) throw new UsageError(`${flag}: only for requests that are sent (here the answers are computed, and a journal keeps nothing)`);
  const warn = (message: string) => output.warn(message);
  const label = settingLabel(flags, 'journal', '--journal', 'journal');
  const id = await lastRun(path, label, kind.command).catch((err: NodeJS.ErrnoException) => {
    throw err.code === undefined ? err : unreadable(flag, path, err);
  });
  if (id === undefined) throw new UsageError(`${flag}: ${JSON.stringify(path)} has no run of scp ${kind.command} --input to take up`);
  const lines = await linesOf(path, label, id, warn);
  journalFor(run).continueRun(id, failed ? 'failed' : 'unsent');
  const inputPath = String(options.input);
  const named = inputPath === '-' ? 'stdin' : JSON.stringify(inputPath);
  const fd = openSync(path, 'r');
  return {
    // Read whole before anything is sent: a file again from its path, stdin into memory (and handed on from there).
    reading: async (input) => {
      if (inputPath !== '-') {
        await checkInput(lines, createReadStream(inputPath), named, flag);
        return input;
      }
      const whole = await readWhole(input);
      await checkInput(lines, Readable.from([whole]), named, flag);
      return Readable.from([whole]);
    },
    replay: (line, input) => {
      const known = lines.get(line);
      if (known === undefined || (failed && !known.accepted)) return undefined;
      if (known.record !== undefined) return { ...((readAt(fd, known.record) as RecordEntry).record as StreamRecord), resumed: true };
      const sent = readAt(fd, known.send!) as SendEntry;
      const error = new TimeoutError('published before the interruption; its answer is unknown');
      const context = { elapsedMs: 0, source: { broker: sent.broker }, ...(sent.station === undefined ? {} : { station: sent.station }), extra: { resumed: true } };
      return lineRecordOf({ type: 'request', ...sent.request }, { outcome: 'timeout', response: null, error }, context, { line, input });
    },
    close: async () => closeSync(fd),
  };
}
