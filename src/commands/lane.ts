/**
 * One MQTT session of a stream (`--connections` of them), with its own client id and failover: when its connection
 * goes, it reports what it had in flight (through `onLost`; never resent, since it may have been applied) and goes
 * round the brokers on its own, while the stream's other sessions carry on. Whether it opens holding the stream's
 * subscription is the stream's call (`subscriptionFor`). Closing the stream stops it wherever it is, so a finished
 * stream never stays alive reconnecting.
 */
import { ConnectionError, InterruptedError } from '../core/errors.js';
import { FAILOVER_WINDOW_MS, ROUND_PAUSE_MS, advising, clientIdFor, firstAccepting, roundTheBrokers, type Connection, type KeepTrying } from '../connection.js';
import type { IncomingMessage } from '../transport/client.js';
import type { Session } from '../transport/session.js';

type OpenSession = typeof import('../transport/session.js').openSession;

/** After a loss, how many rounds over the brokers a session is re-established in before it gives up (3 tries for one
 * broker; 3 per node of a cluster). */
const RECONNECTS = 3;
/** How long a session keeps at connecting after a loss: 3 tries per broker, and with a cluster for up to
 * FAILOVER_WINDOW_MS from the loss. */
const streamKeepsTrying =
  (brokers: number): KeepTrying =>
  (attempt, _failingSince, now, lostAt) =>
    attempt <= RECONNECTS * brokers || (brokers > 1 && now - lostAt < FAILOVER_WINDOW_MS);

export interface LaneHooks {
  connection: Connection;
  /** The brokers as messages and records name them (a password in a URL left out). */
  brokerNames: readonly string[];
  openSession: OpenSession;
  /** What this session subscribes to as it opens (the stream's answers), or undefined: asked at every attempt. */
  subscriptionFor(lane: Lane): string | undefined;
  onMessage(message: IncomingMessage): void;
  /** The connection went: settle what this lane had in flight (everything in flight, if it held the subscription). */
  onLost(lane: Lane, err: ConnectionError): void;
  /** Up (`subscribed`: holding the stream's subscription), or given up (`failed` set): the stream looks again. */
  onChange(lane: Lane, subscribed: boolean): void;
  warn(message: string): void;
  debug(line: string): void;
  /** Ctrl-C or SIGTERM. */
  signal: AbortSignal;
}

export class Lane {
  session: Session | undefined;
  /** The broker of `session`: an index into the connection's brokers. */
  brokerIndex = 0;
  /** Requests sent on this session and not yet settled. */
  inFlight = 0;
  /** Why it gave up: no broker took it back within the failover's limits. Set only then, cleared by nothing. */
  failed: ConnectionError | undefined;
  private opened = 0;
  /** Aborted by `close`: stops a reconnection in a pause or an attempt. */
  private readonly closing = new AbortController();
  /** Ctrl-C or SIGTERM, or `close`: what every attempt and every round of reconnecting stops on. */
  private readonly stop: AbortSignal;

  constructor(
    /** 1 to --connections, for messages. */
    readonly number: number,
    private readonly hooks: LaneHooks,
    private readonly lanes: number,
  ) {
    this.stop = AbortSignal.any([hooks.signal, this.closing.signal]);
  }

  get up(): boolean {
    return this.session !== undefined;
  }

  /** A session on the broker at `index`, and whether it holds the stream's subscription. */
  private async connectTo(index: number): Promise<{ session: Session; subscribed: boolean }> {
    const { connection } = this.hooks;
    const subscription = this.hooks.subscriptionFor(this);
    const first = this.opened++ === 0 && this.number === 1;
    const clientId = clientIdFor(connection, this.number, !first);
    const session = await advising(
      this.hooks.openSession({ ...connection.connect, url: connection.brokers[index]!, clientId }, {
        responseTopic: subscription,
        qos: connection.qos,
        ackTimeoutMs: connection.timeoutMs,
        onMessage: (message) => this.hooks.onMessage(message),
        signal: this.stop,
        log: (line) => this.hooks.debug(this.lanes > 1 ? `session ${this.number}: ${line}` : line),
      }),
    );
    return { session, subscribed: subscription !== undefined };
  }

  /** The first broker that accepts, in order; the last one's error if none does. */
  async open(): Promise<void> {
    const { brokers } = this.hooks.connection;
    const { opened, index } = await firstAccepting(brokers, async (i) => ({ opened: await this.connectTo(i), index: i }), (message) => this.hooks.warn(message));
    this.brokerIndex = index;
    this.attach(opened.session);
    this.hooks.onChange(this, opened.subscribed);
  }

  /** Opening failed (a stream with other sessions goes on without this one until it is back). */
  startFailed(err: ConnectionError): void {
    this.reconnect(err);
  }

  private attach(session: Session): void {
    if (this.closing.signal.aborted) {
      void session.close();
      return;
    }
    this.session = session;
    session.lost.catch((err: ConnectionError) => {
      if (this.session !== session) return;
      this.session = undefined;
      this.hooks.onLost(this, err);
      void session.close();
      this.reconnect(err);
    });
  }

  /** Goes round the brokers from the one lost; up again, or `failed` once the failover's limits are reached. */
  private reconnect(lostWith: ConnectionError): void {
    const { brokers } = this.hooks.connection;
    const names = this.hooks.brokerNames;
    const from = this.brokerIndex;
    roundTheBrokers(brokers, from, (index) => this.connectTo(index), {
      keepTrying: streamKeepsTrying(brokers.length),
      delayMs: ROUND_PAUSE_MS,
      stop: this.stop,
    }).then(
      ({ value, index, attempt }) => {
        const who = this.lanes > 1 ? `session ${this.number} ` : '';
        this.hooks.warn(
          brokers.length === 1
            ? `${who}reconnected to the broker after losing the connection (attempt ${attempt})`
            : `${who}reconnected to ${names[index]} after losing the connection to ${names[from]} (attempt ${attempt})`,
        );
        this.brokerIndex = index;
        this.attach(value.session);
        this.hooks.onChange(this, value.subscribed);
      },
      (err: unknown) => {
        // Stopped (the stream closed, or a signal): not a failure of the connection.
        if (!(err instanceof InterruptedError)) this.failed = err instanceof ConnectionError ? err : lostWith;
        this.hooks.onChange(this, false);
      },
    );
  }

  /** Leaves the session on purpose (the subscription it could not take over): handled as a loss, so it reconnects. */
  drop(): void {
    void this.session?.close();
  }

  async close(): Promise<void> {
    this.closing.abort();
    const current = this.session;
    this.session = undefined;
    await current?.close();
  }
}
