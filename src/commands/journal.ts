/**
 * `scp journal`: the runs a journal (--journal, SCP_JOURNAL or a profile's) holds, oldest first: when each started,
 * who ran it where, the command and its input, the broker, how many requests and their outcomes, whether it finished.
 * --since, --station, --evse and --outcome narrow it to the runs, and the requests, an operator is looking for. A line
 * of the journal that is no entry (the last, torn by a kill) is said on stderr and passed over.
 */
import { unreadable } from '../connection/secrets.js';
import { UsageError, type Ending } from '../core/errors.js';
import { JournalReader, JournalSummary } from '../core/journal.js';
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
  const label = settingLabel(flags, 'journal', '--journal', 'journal');
  const reader = new JournalReader(path, label, (message) => output.warn(message));
  try {
    for await (const { text, whole } of fileLines(path)) {
      const entry = reader.read(text, whole);
      if (entry) summary.add(entry);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw unreadable(label, path, err);
  }
  reader.done();
  showJournal(output, summary.list());
  return {};
}
