/**
 * A stream's session pool: --connections MQTT sessions, each with its own client id and failover, and the one of them
 * that holds the stream's subscription to the answers (the receiver). It owns what the sessions carry: each request in
 * flight is on one session (a line goes out on the one with the fewest), and when a session's connection goes, the
 * requests it had in flight are reported lost by id, never resent (they may have been applied): all of them if it
 * held the subscription, since nobody receives their answers until another session has subscribed. The lost session
 * goes round the brokers on its own (failover.ts) while the others carry on, and another session that is up takes the
 * subscription over. Closing the pool stops it wherever it is, so a finished stream never stays alive reconnecting.
 *
 * Why one subscription: a broker delivers an answer once per matching subscription, so sessions that each subscribed
 * would each receive every answer (NATS, 8 sessions: slower than one); and NATS makes a JetStream consumer of each
 * QoS 1 subscription, so one per station took ~0.4 s each to set up on a 3-node cluster.
 *
 * The stream above it correlates the answers (pipeline/correlator.ts); it sees `send`, `done`, `ready` and the ids a
 * loss took. How a session is opened (client ids, advice) is the caller's `open`, so the pool runs on stand-ins too.
 */
import { ConnectionError, InterruptedError } from '../core/errors.js';
import { firstAccepting, roundTheBrokers, type KeepTrying } from './failover.js';

/** What the pool needs of a session: session.ts's Session is one, a unit test's stand-in another. */
export interface PooledSession {
  /** Publishes; `done` once the broker has it, or with the error. */
  publish(topic: string, payload: string, done: (error?: Error) => void): void;
  /** Subscribes, resolving on SUBACK. */
  subscribe(topic: string): Promise<void>;
  /** Rejects with a ConnectionError when the connection goes; never resolves. */
  readonly lost: Promise<never>;
  close(): Promise<void>;
}

/** Where a session is to be opened: on which broker, which session it is, whether it was connected before, the
 * subscription it takes as it opens (none: another session holds it), and what stops the attempt (the pool closing,
 * or Ctrl-C). */
export interface SessionAt {
  broker: number;
  session: number;
  again: boolean;
  subscription: string | undefined;
  signal: AbortSignal;
}

export interface PoolOptions {
  /** How many sessions (--connections). */
  size: number;
  /** The brokers as messages name them (no password), in the order they are tried: the nodes of a cluster. */
  brokers: readonly string[];
  /** The one subscription to the answers (every station's, where the topics name {station}). */
  subscription: string;
  open(at: SessionAt): Promise<PooledSession>;
  /** When a lost session stops going round the brokers (failover.ts sessionKeepsTrying). */
  keepTrying: KeepTrying;
  /** The pause before each round of the brokers. */
  pauseMs: number;
  /** A loss took these requests with it: they will get no answer through this pool. */
  lost(ids: readonly string[], error: ConnectionError): void;
  /** A session came up or gave up: whoever waits for `ready` may look again. */
  changed(): void;
  warn(message: string): void;
  /** Ctrl-C or SIGTERM: reconnecting stops. */
  signal: AbortSignal;
}

/** One session of the pool, and what it carries. */
interface Slot {
  /** 1 to size, for messages. */
  readonly number: number;
  session: PooledSession | undefined;
  /** The broker of `session`: an index into the brokers. */
  broker: number;
  /** Requests sent on this session and not yet done. */
  inFlight: number;
  /** Why it gave up: no broker took it back within the failover's limits. Set only then, cleared by nothing. */
  failed: ConnectionError | undefined;
  /** How many times it has been connected. */
  opened: number;
}

export class SessionPool {
  private readonly slots: Slot[];
  /** The session that holds the subscription to the answers; none while it is being (re)made. */
  private receiver: Slot | undefined;
  /** The session opening or subscribing to become the receiver, so that two do not. */
  private claim: Slot | undefined;
  /** Each request in flight, by id: the session it went out on. */
  private readonly flights = new Map<string, Slot>();
  private readonly closing = new AbortController();
  /** Ctrl-C or SIGTERM, or `close`: what every attempt and every round of reconnecting stops on. */
  private readonly stop: AbortSignal;

  constructor(private readonly o: PoolOptions) {
    this.slots = Array.from({ length: o.size }, (_, i) => ({ number: i + 1, session: undefined, broker: 0, inFlight: 0, failed: undefined, opened: 0 }));
    this.stop = AbortSignal.any([o.signal, this.closing.signal]);
  }

  /** Every session at once (the first holding the subscription), each on the first broker that accepts; fails only if
   * none could open, and a session that could not goes on trying in the background. */
  async open(): Promise<void> {
    const opened = await Promise.allSettled(this.slots.map((slot) => this.openSlot(slot)));
    if (opened.every((result) => result.status === 'rejected')) throw (opened[0] as PromiseRejectedResult).reason;
    opened.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      if (!(result.reason instanceof ConnectionError)) throw result.reason;
      const slot = this.slots[i]!;
      if (this.claim === slot) this.claim = undefined;
      this.reconnect(slot, result.reason);
    });
    if (this.receiver === undefined) this.takeOver();
  }

  /** A session receives the answers, or every session has given up: a request can be sent, or recorded as not sent. */
  ready(): boolean {
    return this.receiver !== undefined || this.slots.every((slot) => slot.failed);
  }

  /**
   * Publishes a request on the session with the fewest in flight and returns the broker it went to (an index into the
   * brokers); undefined when no session can take it (wait for `ready` first). `before` is told that broker just
   * before the request is published; `acked` is called once the broker has it, or with the error.
   */
  send(id: string, topic: string, payload: string, acked: (error?: Error) => void, before?: (broker: number) => void): number | undefined {
    const slot = this.pick();
    if (slot?.session === undefined) return undefined;
    this.flights.set(id, slot);
    slot.inFlight++;
    before?.(slot.broker);
    slot.session.publish(topic, payload, acked);
    return slot.broker;
  }

  /** A follow-up to the request `previous`, in its place on the same session; undefined when that session is gone. */
  sendAfter(previous: string, id: string, topic: string, payload: string, acked: (error?: Error) => void): number | undefined {
    const slot = this.flights.get(previous);
    if (slot?.session === undefined) return undefined;
    this.flights.delete(previous);
    this.flights.set(id, slot);
    slot.session.publish(topic, payload, acked);
    return slot.broker;
  }

  /** The request is settled: its session carries one fewer. */
  done(id: string): void {
    const slot = this.flights.get(id);
    if (slot === undefined) return;
    this.flights.delete(id);
    slot.inFlight--;
  }

  /** Why a request cannot be sent: every session gave up. */
  unsendable(): string {
    return this.slots.find((slot) => slot.failed)?.failed?.message ?? 'no connection to the broker';
  }

  /** Closing a session stops its reconnecting too: a finished stream is never kept alive. */
  async close(): Promise<void> {
    this.closing.abort();
    this.flights.clear();
    await Promise.all(
      this.slots.map((slot) => {
        const current = slot.session;
        slot.session = undefined;
        return current?.close();
      }),
    );
  }

  /** The session a request goes out on now: the one with the fewest in flight, once a session receives the answers. */
  private pick(): Slot | undefined {
    if (this.receiver === undefined) return undefined;
    if (this.slots.length === 1) return this.receiver;
    let best: Slot | undefined;
    for (const slot of this.slots) if (slot.session && (best === undefined || slot.inFlight < best.inFlight)) best = slot;
    return best;
  }

  /** A session about to open takes the subscription when no session holds it or is taking it. */
  private subscriptionFor(slot: Slot): string | undefined {
    if (this.receiver !== undefined || (this.claim !== undefined && this.claim !== slot)) return undefined;
    this.claim = slot;
    return this.o.subscription;
  }

  private async connectTo(slot: Slot, broker: number): Promise<{ session: PooledSession; subscribed: boolean }> {
    const subscription = this.subscriptionFor(slot);
    const session = await this.o.open({ broker, session: slot.number, again: slot.opened++ > 0, subscription, signal: this.stop });
    return { session, subscribed: subscription !== undefined };
  }

  /** The first broker that accepts, in order; the last one's error if none does. */
  private async openSlot(slot: Slot): Promise<void> {
    const { opened, index } = await firstAccepting(this.o.brokers, async (i) => ({ opened: await this.connectTo(slot, i), index: i }), this.o.warn);
    slot.broker = index;
    this.attach(slot, opened.session);
    this.changed(slot, opened.subscribed);
  }

  private attach(slot: Slot, session: PooledSession): void {
    if (this.closing.signal.aborted) {
      void session.close();
      return;
    }
    slot.session = session;
    session.lost.catch((err: ConnectionError) => {
      if (slot.session !== session) return;
      slot.session = undefined;
      this.lose(slot, err);
      void session.close();
      this.reconnect(slot, err);
    });
  }

  /** Up (`subscribed`: holding the subscription), or given up (`failed` set): a session may take the subscription. */
  private changed(slot: Slot, subscribed: boolean): void {
    if (subscribed) this.receiver = slot;
    if (this.claim === slot) this.claim = undefined;
    if (this.receiver === undefined) this.takeOver();
    this.o.changed();
  }

  /** What a session's loss takes: its requests in flight, or every request if it held the subscription. */
  private lose(slot: Slot, err: ConnectionError): void {
    const all = slot === this.receiver;
    const ids: string[] = [];
    for (const [id, on] of this.flights) {
      if (!all && on !== slot) continue;
      ids.push(id);
      on.inFlight--;
      this.flights.delete(id);
    }
    if (all) this.receiver = undefined;
    if (this.claim === slot) this.claim = undefined;
    this.o.lost(ids, err);
    if (this.receiver === undefined) this.takeOver();
  }

  /** Goes round the brokers from the one lost; up again, or `failed` once the failover's limits are reached. */
  private reconnect(slot: Slot, lostWith: ConnectionError): void {
    const { brokers } = this.o;
    const from = slot.broker;
    roundTheBrokers(brokers, from, (index) => this.connectTo(slot, index), { keepTrying: this.o.keepTrying, delayMs: this.o.pauseMs, stop: this.stop }).then(
      ({ value, index, attempt }) => {
        const who = this.slots.length > 1 ? `session ${slot.number} ` : '';
        this.o.warn(
          brokers.length === 1
            ? `${who}reconnected to the broker after losing the connection (attempt ${attempt})`
            : `${who}reconnected to ${brokers[index]} after losing the connection to ${brokers[from]} (attempt ${attempt})`,
        );
        slot.broker = index;
        this.attach(slot, value.session);
        this.changed(slot, value.subscribed);
      },
      (err: unknown) => {
        // Stopped (the pool closed, or a signal): not a failure of the connection.
        if (!(err instanceof InterruptedError)) slot.failed = err instanceof ConnectionError ? err : lostWith;
        this.changed(slot, false);
      },
    );
  }

  /** Another session that is up subscribes, and holds the subscription from its SUBACK on; one that cannot is left
   * (handled as a loss: it reconnects, and opens holding the subscription if none has it by then). */
  private takeOver(): void {
    if (this.claim !== undefined || this.stop.aborted) return;
    const slot = this.slots.find((one) => one.session !== undefined);
    if (slot === undefined) return;
    const session = slot.session!;
    this.claim = slot;
    session.subscribe(this.o.subscription).then(
      () => {
        if (this.claim === slot) this.claim = undefined;
        if (slot.session === session) this.changed(slot, true);
        else this.takeOver();
      },
      () => {
        if (this.claim === slot) this.claim = undefined;
        if (slot.session === session) void session.close();
        else this.takeOver();
      },
    );
  }
}
