/**
 * `scp journal`: the runs a journal (--journal, SCP_JOURNAL or a profile's) holds, oldest first: when each started,
 * who ran it where, the command and its input, the broker, how many requests and their outcomes, whether it finished.
 * --since, --station, --evse and --outcome narrow it to the runs, and the requests, an operator is looking for. A line
 * of the journal that is no entry (the last, torn by a kill) is said on stderr and passed over.
 */
import { unreadable } from '../connection/secrets.js';
import { UsageError, type Ending } from '../core/errors.js';
import { JournalSummary, readEntry, skippedLine } from '../core/journal.js';
import { parseJournalOptions, type JournalOptions } from '../options.js';
import type { Output } from '../output/render.js';
import { showJournal } from '../output/journal.js';
import { settingLabel, type ConnectionFlags } from '../connection/settings.js';
import { fileLines } from '../transport/files.js';

export async function listJournal(options: JournalOptions, flags: ConnectionFlags, output: Output): Promise<Ending> {
  const { since, outcome } = parseJournalOptions(options);
  const path = flags.journal;
  if (path === undefined) throw new UsageError("--journal: required: the journal to list (or set SCP_JOURNAL, or a profile's journal)");
  const summary = new JournalSummary({
    ...(since === undefined ? {} : { since }),
    ...(flags.station === undefined ? {} : { station: flags.station }),
    ...(options.evse === undefined ? {} : { evse: options.evse }),
    ...(outcome === undefined ? {} : { outcome }),
  });
  let number = 0;
  try {
    for await (const { text, whole } of fileLines(path)) {
      number++;
      const { entry, problem } = readEntry(text, whole);
      if (entry) summary.add(entry);
      else if (problem) output.warn(skippedLine(path, number, problem));
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw unreadable(settingLabel(flags, 'journal', '--journal', 'journal'), path, err);
  }
  showJournal(output, summary.list());
  return {};
}
