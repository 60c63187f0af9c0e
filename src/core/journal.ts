/**
 * The journal (`--journal <file>`): what its JSON Lines entries are, how one line of it is read (a torn or foreign
 * line is said, never fatal), and what a run was, summed up entry by entry for `scp journal` and for continuing an
 * interrupted run. Pure: the writer (pipeline/features/journal.ts) and the readers do the IO.
 *
 * A run is one command over one input: a `run` entry starts it (its id, command, input, broker, who and where);
 * `continue` entries mark each later run that took it up again (`--resume`, `--retry-failed`); each request has a
 * `send` entry written before it is published and a `record` entry once its record is made (the latest record of a
 * line is the one that counts); `end` says it finished (or was interrupted). Every entry is one whole line, written
 * with one write, so runs sharing a journal interleave only whole lines.
 */
import { UsageError } from './errors.js';
import type { ResultRecord, StreamOutcome, StreamRecord } from './outcome.js';

/** Written in every entry: a later scp that changes the entries' shape can tell old ones apart. */
export const JOURNAL_VERSION = 1;

/** Who and where: in the entries that start or take up a run, and in each request's. */
export interface Who {
  time: string;
  user: string;
  host: string;
}

export interface RunEntry extends Who {
  v: number;
  type: 'run';
  run: string;
  /** The scp command: clear, set, schedule, status. */
  command: string;
  /** --input's path (`-` for stdin); absent for a single request. */
  input?: string;
  /** The brokers, as records name them (no password). */
  brokers: string[];
  scp: string;
}

export interface ContinueEntry extends Who {
  v: number;
  type: 'continue';
  run: string;
  /** What is sent again: the lines with no record (`unsent`), or those too whose record is not accepted (`failed`). */
  again: 'unsent' | 'failed';
}

export interface SendEntry extends Who {
  v: number;
  type: 'send';
  run: string;
  line?: number;
  input?: string;
  request: { id: string; name: string; data: object };
  broker: string;
  station?: string;
}

export interface RecordEntry {
  v: number;
  type: 'record';
  run: string;
  time: string;
  line?: number;
  record: ResultRecord | StreamRecord;
}

export interface EndEntry {
  v: number;
  type: 'end';
  run: string;
  time: string;
  outcomes: Partial<Record<StreamOutcome, number>>;
  interrupted?: true;
}

export type JournalEntry = RunEntry | ContinueEntry | SendEntry | RecordEntry | EndEntry;

const TYPES = new Set(['run', 'continue', 'send', 'record', 'end']);

/**
 * One line of a journal: an entry, nothing (a blank line), or a problem to warn about: a last line without its newline
 * was cut short by a kill mid-write (even where it reads as JSON), and a line that is no entry is not one.
 */
export function readEntry(text: string, whole = true): { entry?: JournalEntry; problem?: string } {
  if (!whole) return { problem: 'cut short (no newline at its end): written as scp was killed?' };
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not a whole JSON line (cut short by a kill mid-write?)' };
  }
  const entry = value as Partial<JournalEntry> | null;
  if (entry === null || typeof entry !== 'object' || typeof entry.run !== 'string' || !TYPES.has(String(entry.type))) return { problem: 'not a journal entry' };
  return { entry: entry as JournalEntry };
}

/** What every entry scp writes starts with. */
const ENTRY_START = `{"v":`;

/**
 * Whether a file whose first line is `text` may be a journal: empty, or starting as an entry does (or cut short
 * while it did: a first write killed mid-way). Anything else is someone's other file (`--journal ids.txt`, a slip
 * for `--input`): never appended to, never read as one.
 */
export function mayBeJournal(text: string): boolean {
  return text.trim() === '' || text.startsWith(ENTRY_START) || ENTRY_START.startsWith(text);
}

export function notAJournal(label: string, path: string): UsageError {
  return new UsageError(`${label}: ${JSON.stringify(path)} is not a journal (its first line is no journal entry): give a new file, or one scp wrote`);
}

/** How many lines that are no entry are named one by one; the rest are counted. */
const NAMED_SKIPS = 3;

/**
 * A journal's lines, read in order: each entry handed back; a line that is no entry warned of, never fatal (the
 * first few by number, then how many more, so a journal with many does not bury the answer); a file that is no
 * journal at all refused at its first line.
 */
export class JournalReader {
  private number = 0;
  private skipped = 0;

  constructor(
    private readonly path: string,
    private readonly label: string,
    private readonly warn: (message: string) => void,
  ) {}

  read(text: string, whole: boolean): JournalEntry | undefined {
    this.number++;
    if (this.number === 1 && !mayBeJournal(text)) throw notAJournal(this.label, this.path);
    const { entry, problem } = readEntry(text, whole);
    if (entry === undefined && problem !== undefined && ++this.skipped <= NAMED_SKIPS) {
      this.warn(`journal ${JSON.stringify(this.path)}: line ${this.number} skipped: ${problem}`);
    }
    return entry;
  }

  /** Says how many more lines were skipped than were named. */
  done(): void {
    const more = this.skipped - NAMED_SKIPS;
    if (more > 0) this.warn(`journal ${JSON.stringify(this.path)}: ${more} more line${more === 1 ? '' : 's'} skipped (no journal entries)`);
  }
}

/** The EVSE a request names, for `scp journal --evse`: set's and schedule's evse_id, clear's criteria. */
export function evseOf(data: object | undefined): string | undefined {
  const fields = data as { evse_id?: unknown; charging_profile_criteria?: { evse_id?: unknown } } | undefined;
  const evse = fields?.evse_id ?? fields?.charging_profile_criteria?.evse_id;
  return typeof evse === 'string' ? evse : undefined;
}

/** Which requests `scp journal` counts: those at a station, of an EVSE, with an outcome (absent: all). */
export interface JournalFilter {
  since?: number;
  station?: string;
  evse?: string;
  outcome?: string;
}

/** Outcomes in the order a listing gives them: the best first, then by the exit status each means. */
const OUTCOME_ORDER: readonly StreamOutcome[] = ['accepted', 'not_in_force', 'unknown', 'rejected', 'invalid_input', 'timeout', 'error', 'invalid_response'];

/** One run as `scp journal` lists it. */
export interface RunSummary {
  run: string;
  started: string;
  user: string;
  host: string;
  command: string;
  input?: string;
  brokers: string[];
  /** The request lines (each counted once, by its latest record; one published with no record yet is a timeout, as
   * taking the run up would record it). */
  lines: number;
  outcomes: Partial<Record<StreamOutcome, number>>;
  /** Taken up again after an interruption, this many times. */
  continued: number;
  /** An `end` entry came after the last time it was started or taken up, and it was not interrupted. */
  finished: boolean;
  /** That `end` entry says it was interrupted (Ctrl-C, SIGTERM): it stopped on purpose. Neither: killed (or running). */
  interrupted: boolean;
}

/** What a run is while its entries are read. */
interface RunState {
  start: RunEntry;
  continued: number;
  /** How it last ended, from the `end` entry after it was last started or taken up; none: killed, or running. */
  ended?: 'finished' | 'interrupted';
  /** The latest outcome of each line whose request matches the filter (single requests count as line 0). */
  outcomes: Map<number, StreamOutcome>;
  /** Lines whose request matched the station and EVSE filters (known from their send entry or their record). */
  matching: Set<number>;
}

/** Sums up the runs of a journal, entry by entry in the order written, for `scp journal`: oldest first. */
export class JournalSummary {
  private readonly runs = new Map<string, RunState>();

  constructor(private readonly filter: JournalFilter = {}) {}

  add(entry: JournalEntry): void {
    if (entry.type === 'run') {
      if (this.filter.since !== undefined && Date.parse(entry.time) < this.filter.since) return;
      this.runs.set(entry.run, { start: entry, continued: 0, outcomes: new Map(), matching: new Set() });
      return;
    }
    const state = this.runs.get(entry.run);
    if (state === undefined) return;
    if (entry.type === 'continue') {
      state.continued++;
      state.ended = undefined;
    } else if (entry.type === 'end') state.ended = entry.interrupted === true ? 'interrupted' : 'finished';
    else if (entry.type === 'send') this.noteRequest(state, entry.line ?? 0, entry.station, entry.request.data);
    else this.noteRecord(state, entry);
  }

  private matches(station: string | undefined, data: object | undefined): boolean {
    const { filter } = this;
    return (filter.station === undefined || station === filter.station) && (filter.evse === undefined || evseOf(data) === filter.evse);
  }

  /** A request published: until its record comes, a timeout (its answer is unknown). */
  private noteRequest(state: RunState, line: number, station: string | undefined, data: object | undefined): void {
    if (this.matches(station, data)) state.matching.add(line);
    if (state.matching.has(line)) state.outcomes.set(line, 'timeout');
  }

  private noteRecord(state: RunState, entry: RecordEntry): void {
    const line = entry.line ?? 0;
    const { record } = entry;
    if (this.matches(record.station, record.request?.data ?? undefined)) state.matching.add(line);
    if (state.matching.has(line)) state.outcomes.set(line, record.outcome);
  }

  /** The runs, oldest first; with a filter on requests, only runs that have such a request. */
  list(): RunSummary[] {
    const filtered = this.filter.station !== undefined || this.filter.evse !== undefined || this.filter.outcome !== undefined;
    const summaries: RunSummary[] = [];
    for (const state of this.runs.values()) {
      const counts = new Map<StreamOutcome, number>();
      let lines = 0;
      for (const outcome of state.outcomes.values()) {
        if (this.filter.outcome !== undefined && outcome !== this.filter.outcome) continue;
        counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
        lines++;
      }
      if (filtered && lines === 0) continue;
      // In one order whatever order the answers came in: the best first.
      const outcomes = Object.fromEntries(OUTCOME_ORDER.filter((outcome) => counts.has(outcome)).map((outcome) => [outcome, counts.get(outcome)!]));
      const { start } = state;
      summaries.push({
        run: start.run,
        started: start.time,
        user: start.user,
        host: start.host,
        command: start.command,
        ...(start.input === undefined ? {} : { input: start.input }),
        brokers: start.brokers,
        lines,
        outcomes,
        continued: state.continued,
        finished: state.ended === 'finished',
        interrupted: state.ended === 'interrupted',
      });
    }
    return summaries;
  }
}
