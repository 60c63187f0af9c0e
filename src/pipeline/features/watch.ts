/**
 * --watch (`scp status --watch`): after the answer, every message on the response topic that is news about what was
 * asked (service_status: the service's updates, and answers to anyone's question about it), one line each, until
 * Ctrl-C or SIGTERM. The subscription is made before the request goes, on a connection of its own (a listener), so
 * nothing said between the answer and the watch is missed; what arrives before the answer is shown is held until then.
 * The exit status is that of the last status seen (the answer's, or a later update's). For one request only.
 */
import { UsageError, type Ending } from '../../core/errors.js';
import type { Outcome } from '../../core/outcome.js';
import type { Envelope, MessageKind } from '../../messages/kind.js';
import type { Output } from '../../output/render.js';
import { showNews } from '../../output/result.js';
import { advising } from '../../connection/advice.js';
import type { Connection } from '../../connection/settings.js';
import type { Run, Step } from '../steps.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Watch {
  /** Shows what came, then what comes, until `signal` aborts or the connection is lost (exit 4). */
  follow(answer: Outcome): Promise<Ending>;
  close(): Promise<void>;
}

function parse(payload: Buffer): unknown {
  try {
    return JSON.parse(utf8.decode(payload));
  } catch {
    return undefined;
  }
}

/** Subscribes on the request's response topic (its station's), before the request is published. */
async function openWatch(kind: MessageKind, request: Envelope<'request'>, connection: Connection, { output, signal }: { output: Output; signal: AbortSignal }): Promise<Watch> {
  const { openListener } = await import('../../transport/listener.js');
  const held: Array<{ envelope: unknown; response: Envelope<'response'> }> = [];
  let show: ((item: (typeof held)[number]) => void) | undefined;
  let last: Outcome | undefined;
  const onMessage = ({ payload, retained }: { payload: Buffer; retained: boolean }) => {
    const envelope = parse(payload);
    // Our own answer is shown as the answer; a retained message is old news.
    if (retained || (envelope as { id?: unknown } | undefined)?.id === request.id) return;
    const response = kind.news!(request, envelope);
    if (response === undefined) return output.debug(`not news about ${kind.describe(request.data)}: ${payload.toString('utf8')}`);
    if (show) show({ envelope, response });
    else held.push({ envelope, response });
  };
  // A session of its own beside the request's: one client id for both would log the other out.
  const listener = await advising(
    openListener(
      { ...connection.connect, clientId: `${connection.connect.clientId}-w` },
      { topic: connection.responseTopic, qos: connection.qos, signal, log: (line) => output.debug(line), onMessage },
    ),
  );
  return {
    async follow(answer) {
      last = answer;
      show = ({ envelope, response }) => {
        last = kind.summarize(response).outcome;
        showNews(output, envelope, response, kind, connection.station);
      };
      for (const item of held.splice(0)) show(item);
      const lost = await listener.until(signal);
      await listener.close();
      return lost === undefined ? { outcomes: [last] } : { outcomes: [last], error: lost as Ending['error'] };
    },
    close: () => listener.close(),
  };
}

export async function open({ kind, options, output, signal }: Run): Promise<Step> {
  if (!kind.news) throw new UsageError(`--watch: ${kind.command} has nothing to watch`);
  if (options.dryRun) throw new UsageError('--watch: cannot be combined with --dry-run, which sends nothing to watch the answer of');
  let watch: Watch | undefined;
  return {
    beforeSend: async (request, connection) => {
      watch = await openWatch(kind, request, connection, { output, signal });
    },
    // Only an answer is followed; a request that got none ends as it is.
    after: (record) => {
      const following = record.error === undefined ? watch : undefined;
      if (following === undefined) return undefined;
      watch = undefined;
      return following.follow(record.outcome);
    },
    close: async () => {
      await watch?.close();
      watch = undefined;
    },
  };
}
