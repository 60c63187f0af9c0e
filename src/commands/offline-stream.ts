/**
 * `scp schedule --offline --input`: a stream answered here, line by line, by the station the options describe
 * (commands/offline.ts); loaded from the stream command, so a single --offline run never evaluates the stream.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { StreamOutcome } from '../core/outcome.js';
import { InterruptedError, type Ending } from '../core/errors.js';
import { parseInputLine, requestEnvelope, type InputLine } from '../messages/kind.js';
import type { StreamRecord } from '../output/records.js';
import { showStreamSummary, streamPrinter } from '../output/stream.js';
import { openInput, type StreamContext, type StreamFlags } from './input.js';
import type { RequestFlags } from './send.js';
import { answerOffline, noteOffline, offlineStation, type Kind } from './offline.js';

/**
 * `--offline --input`: each line answered by the station in turn, printed as a stream prints (records in input order,
 * the summary on stderr). A line that names a station is invalid input: offline there is one station, the options'.
 */
export async function runOfflineStream(kind: Kind, flags: StreamFlags & RequestFlags, ctx: StreamContext): Promise<Ending> {
  const { output, signal } = ctx;
  const station = await offlineStation(flags, () => new Date());
  const input = await openInput(flags.input, ctx.stdin);
  noteOffline(output, station.from);
  const printer = streamPrinter(output, { ordered: true, window: 1024, kind });
  const outcomes = new Map<StreamOutcome, number>();
  const started = performance.now();
  let index = 0;
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (signal.aborted || printer.closed) break;
    const record = await lineRecord(kind, parseInputLine(kind, text), station, flags.explain === true);
    if (record === undefined) continue;
    outcomes.set(record.outcome, (outcomes.get(record.outcome) ?? 0) + 1);
    if (printer.pending >= printer.window) await new Promise<void>((resolve) => printer.onDrain(resolve));
    printer.put(index++, { ...record, line, input: text });
  }
  (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  await printer.end();
  if (!printer.closed) showStreamSummary(output, outcomes, performance.now() - started);
  return { outcomes: outcomes.keys(), ...(signal.aborted ? { error: new InterruptedError('interrupted', signal.reason) } : {}) };
}

/** One input line's record, without where it came from; undefined for a line to skip. */
async function lineRecord(kind: Kind, parsed: InputLine, station: Awaited<ReturnType<typeof offlineStation>>, explain: boolean): Promise<Omit<StreamRecord, 'line' | 'input'> | undefined> {
  if (parsed.kind === 'skip') return undefined;
  const invalid = (error: string) => ({ request: null, response: null, outcome: 'invalid_input' as const, error, elapsed_ms: 0 });
  if (parsed.kind === 'invalid') return invalid(parsed.reason);
  if (parsed.station !== undefined) return invalid('station: not with --offline, which computes for the one station its options describe; leave "station" out');
  const started = performance.now();
  return answerOffline(kind, requestEnvelope(kind, parsed.data, randomUUID()), station, () => performance.now() - started, explain);
}
