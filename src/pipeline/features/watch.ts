/**
 * --watch (`scp status --watch`): after the answer, every message on the response topic that is news about what was
 * asked (service_status: the service's updates, and answers to anyone's question about it), one line each, until
 * Ctrl-C or SIGTERM. The subscription is made before the request goes, on a connection of its own (a listener), so
 * nothing said between the answer and the watch is missed; what arrives before the answer is shown is held until then.
 * A lost connection is said on stderr, and the watch goes round the brokers as the simulator does (what is said
 * meanwhile is missed), saying when it watches again; it ends with exit 4 only when no broker takes it back for as
 * long as the simulator would wait. The exit status is otherwise that of the last status seen (the answer's, or a
 * later update's). For one request only.
 */
import { ConnectionError, UsageError, type Ending } from '../../core/errors.js';
import { redactUrl } from '../../core/settings.js';
import type { Outcome } from '../../core/outcome.js';
import type { Envelope, MessageKind } from '../../messages/kind.js';
import type { Output } from '../../output/render.js';
import { showNews } from '../../output/result.js';
import { advising } from '../../connection/advice.js';
import { clientIdFor, type Connection } from '../../connection/settings.js';
import { serviceKeepsTrying } from '../../transport/failover.js';
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
  const { keepListening, openListener } = await import('../../transport/listener.js');
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
  // A session of its own beside the request's: one client id for both would log the other out. Once lost, a new id
  // each time (where scp makes them up): a cluster node that has not yet seen the old one die would refuse it.
  let fresh = false;
  const open = (index: number) => {
    const clientId = `${clientIdFor(connection, 1, fresh)}-w`;
    fresh = true;
    const options = { topic: connection.responseTopic, qos: connection.qos, signal, log: (line: string) => output.debug(line), onMessage };
    return advising(openListener({ ...connection.connect, url: connection.brokers[index]!, clientId }, options));
  };
  // On the first broker, where the request goes first.
  let current = { listener: await open(0), index: 0 };
  const names = connection.brokers.map(redactUrl);
  return {
    async follow(answer) {
      last = answer;
      show = ({ envelope, response }) => {
        last = kind.summarize(response).outcome;
        showNews(output, envelope, response, kind, connection.station);
      };
      for (const item of held.splice(0)) show(item);
      try {
        await keepListening(current, {
          brokers: connection.brokers,
          open,
          keepTrying: serviceKeepsTrying(connection.brokers.length, connection.connect.connectTimeoutMs),
          signal,
          lost: (err) => output.warn(`${err.message}; watching again once a broker takes it back (what is said meanwhile is missed)`),
          back: (held, attempt) => {
            current = held;
            output.note(`watching again on ${names[held.index]} (attempt ${attempt})`);
          },
          failed: (err) => output.debug(`${(err as Error).message}`),
        });
      } catch (err) {
        if (!(err instanceof ConnectionError)) throw err;
        // The one way a watch ends on its own: said, then exit 4.
        const error = err.with({ text: `no broker took the watch back: ${err.text}` });
        output.error(error.message);
        return { outcomes: [last], error };
      }
      return { outcomes: [last] };
    },
    close: () => current.listener.close(),
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
