/**
 * --journal <file> (SCP_JOURNAL, a site profile's `journal`): every request remembered, appended to a JSON Lines
 * file (core/journal.ts says what the entries are). Before each request is published, a `send` entry with the run,
 * the line and input (a stream's), the request, broker, station, time, user and host; once its record is made, a
 * `record` entry with it (outcome and answer); the run's first entry names the command and its input, its last says
 * how it ended. Each entry is one whole line in one write(2) to a file opened for appending, made before the step
 * returns: a kill at any moment loses nothing already published (the `send` entry is in the file before the request
 * leaves), and runs sharing a journal interleave whole lines. Never a password: brokers are named as records name them.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { UsageError } from '../../core/errors.js';
import { JOURNAL_VERSION, mayBeJournal, notAJournal, type ContinueEntry, type JournalEntry, type Who } from '../../core/journal.js';
import type { ResultRecord, StreamOutcome, StreamRecord } from '../../core/outcome.js';
import { redactUrl } from '../../core/settings.js';
import { VERSION } from '../../core/version.js';
import type { Envelope } from '../../messages/kind.js';
import { settingLabel } from '../../connection/settings.js';
import { randomUUID } from '../../transport/random.js';
import type { Publishing, Run, RunEnd, Step } from '../steps.js';

/** Who runs scp, where: the user's name (from the system, else $USER) and the host's. */
function whoAmI(env: NodeJS.ProcessEnv): { user: string; host: string } {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? env.LOGNAME ?? 'unknown';
  }
  return { user, host: hostname() };
}

/** The journal of one run: its file, and the run its entries belong to (a new one, or one taken up again). */
export class JournalWriter {
  private readonly fd: number;
  private readonly who: { user: string; host: string };
  private run = randomUUID();
  /** Set when this run takes up an earlier one: its first entry says so, under that run's id. */
  private taking: ContinueEntry['again'] | undefined;
  private started = false;
  /** The file ends in a line cut short (a writer killed mid-write): the first write ends it, so no entry is glued to it. */
  private torn: boolean;

  constructor(
    readonly path: string,
    label: string,
    private readonly start: { command: string; input?: string; brokers: string[] },
    env: NodeJS.ProcessEnv,
  ) {
    try {
      // Appending: every write lands at the end, whole, whoever else writes to the file.
      this.fd = openSync(path, 'a+');
    } catch (err) {
      throw new UsageError(`${label}: cannot open ${JSON.stringify(path)} to append to it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    // Only a regular file is read back: reading a terminal or a pipe would wait for input.
    const stat = fstatSync(this.fd);
    const size = stat.isFile() ? stat.size : 0;
    if (!mayBeJournal(firstLine(this.fd, size))) {
      closeSync(this.fd);
      throw notAJournal(label, path);
    }
    this.torn = endsTorn(this.fd, size);
    this.who = whoAmI(env);
  }

  /** Entries from now on belong to run `id`, taken up again; what is sent again is `again`. */
  continueRun(id: string, again: ContinueEntry['again']): void {
    if (this.started) throw new Error('a run is taken up before its first entry is written');
    this.run = id;
    this.taking = again;
  }

  private whoNow(): Who {
    return { time: new Date().toISOString(), ...this.who };
  }

  /** One entry, as one line in one write; the run's first entry goes before the first of its others. */
  private write(entry: Omit<JournalEntry, 'v' | 'run'> | Record<string, unknown>): void {
    if (!this.started) {
      this.started = true;
      // Dated as the entry it goes before, so that a run never starts after its first request.
      const who = { ...this.whoNow(), ...('time' in entry ? { time: entry.time } : {}) };
      const first = this.taking === undefined ? { type: 'run', ...this.start, ...who, scp: VERSION } : { type: 'continue', again: this.taking, ...who };
      writeSync(this.fd, `${this.torn ? '\n' : ''}${JSON.stringify({ v: JOURNAL_VERSION, run: this.run, ...first })}\n`);
    }
    writeSync(this.fd, `${JSON.stringify({ v: JOURNAL_VERSION, run: this.run, ...entry })}\n`);
  }

  send(request: Envelope<'request'>, at: Publishing): void {
    const { line, input, broker, station } = at;
    this.write({ type: 'send', ...this.whoNow(), ...(line === undefined ? {} : { line, input }), request, broker, ...(station === undefined ? {} : { station }) });
  }

  record(record: ResultRecord | StreamRecord): void {
    const line = (record as Partial<StreamRecord>).line;
    this.write({ type: 'record', time: new Date().toISOString(), ...(line === undefined ? {} : { line }), record });
  }

  end({ outcomes, interrupted }: RunEnd): void {
    const counts: Partial<Record<StreamOutcome, number>> = Object.fromEntries(outcomes);
    this.write({ type: 'end', time: new Date().toISOString(), outcomes: counts, ...(interrupted ? { interrupted: true as const } : {}) });
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The first line of a file of `size` bytes (as much of it as says whether it may be a journal). */
function firstLine(fd: number, size: number): string {
  if (size === 0) return '';
  const start = Buffer.alloc(64);
  const read = readSync(fd, start, 0, start.length, 0);
  return start.subarray(0, read).toString('utf8').split('\n')[0]!;
}

/** Whether the file's last line has no newline: a writer was killed while it wrote. */
function endsTorn(fd: number, size: number): boolean {
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 10;
}

/** One writer per run, shared by the features that write to it or take an earlier run up through it. */
const writers = new WeakMap<Run, JournalWriter>();

/** The run's journal, opened on first use (bad usage, exit 2, if it cannot be opened: nothing is sent). */
export function journalFor(run: Run): JournalWriter {
  let writer = writers.get(run);
  if (writer === undefined) {
    const { flags, kind, options } = run;
    const path = flags.journal!;
    const brokers = (Array.isArray(flags.broker) ? flags.broker : [flags.broker]).map(redactUrl);
    const input = typeof options.input === 'string' ? options.input : undefined;
    writer = new JournalWriter(path, settingLabel(flags, 'journal', '--journal', 'journal'), { command: kind.command, ...(input === undefined ? {} : { input }), brokers }, run.env);
    writers.set(run, writer);
  }
  return writer;
}

export async function open(run: Run): Promise<Step> {
  // A journal is of what was published: a run that sends nothing (a dry run, answers computed here) writes nothing.
  if (!run.sends) return {};
  const writer = journalFor(run);
  return {
    publishing: (request, at) => writer.send(request, at),
    // A record printed again from this journal is in it already.
    recorded: (record) => {
      if (!('resumed' in record)) writer.record(record);
    },
    ended: (end) => writer.end(end),
    close: async () => writer.close(),
  };
}
