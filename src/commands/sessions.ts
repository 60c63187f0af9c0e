/**
 * A stream's MQTT sessions (--connections of them, each a Lane with its own client id and failover) and which one
 * holds the stream's one subscription to the answers (the `receiver`); a line goes out on the session with the
 * fewest in flight. Why one subscription: a broker delivers an answer once per matching subscription, so sessions
 * that each subscribed would each receive every answer (NATS, 8 sessions: slower than one); and NATS makes a
 * JetStream consumer of each QoS 1 subscription, so one per station took ~0.4 s each to set up on a 3-node cluster.
 * One subscription made the same speed as one per station, with none of that.
 */
import { ConnectionError } from '../core/errors.js';
import type { Connection } from '../connection.js';
import type { IncomingMessage } from '../transport/client.js';
import { Lane, type LaneHooks } from './lane.js';

export interface SessionsHooks extends Omit<LaneHooks, 'subscriptionFor' | 'onLost' | 'onChange'> {
  connection: Connection;
  onMessage(message: IncomingMessage): void;
  /** A session was lost: settle what it had in flight, or everything (`all`: it held the subscription). */
  lostOn(lane: Lane, all: boolean, err: ConnectionError): void;
  /** A session is up (or gave up): lines waiting for one may go on. */
  changed(): void;
  /** The stream is over: no session takes the subscription over any more. */
  over(): boolean;
}

export class Sessions {
  readonly lanes: Lane[];
  /** The session that holds the subscription to the answers; none while it is being (re)made. */
  private receiver: Lane | undefined;
  /** The session opening or subscribing to become the receiver, so that two do not. */
  private claim: Lane | undefined;

  constructor(
    count: number,
    /** The subscription: every station's answers where the topics name {station}. */
    private readonly subscription: string,
    private readonly hooks: SessionsHooks,
  ) {
    const laneHooks: LaneHooks = {
      ...hooks,
      subscriptionFor: (lane) => this.subscriptionFor(lane),
      onLost: (lane, err) => this.lost(lane, err),
      onChange: (lane, subscribed) => this.changed(lane, subscribed),
    };
    this.lanes = Array.from({ length: count }, (_, i) => new Lane(i + 1, laneHooks, count));
  }

  /** Every session at once (the first holding the subscription); the stream starts when they have all answered, and
   * fails only if none could open. */
  async open(): Promise<void> {
    const opened = await Promise.allSettled(this.lanes.map((lane) => lane.open()));
    if (opened.every((result) => result.status === 'rejected')) throw (opened[0] as PromiseRejectedResult).reason;
    opened.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      if (!(result.reason instanceof ConnectionError)) throw result.reason;
      const lane = this.lanes[i]!;
      if (this.claim === lane) this.claim = undefined;
      lane.startFailed(result.reason);
    });
    if (this.receiver === undefined) this.takeOver();
  }

  /** A session about to open takes the subscription when no session holds it or is taking it. */
  private subscriptionFor(lane: Lane): string | undefined {
    if (this.receiver !== undefined || (this.claim !== undefined && this.claim !== lane)) return undefined;
    this.claim = lane;
    return this.subscription;
  }

  /** A session is up (holding the subscription, or not), or has given up. */
  private changed(lane: Lane, subscribed: boolean): void {
    if (subscribed) this.receiver = lane;
    if (this.claim === lane) this.claim = undefined;
    if (this.receiver === undefined) this.takeOver();
    this.hooks.changed();
  }

  /**
   * A session's connection went: what it had in flight is reported (never resent: it may have been applied). If it
   * held the subscription, so is everything in flight on the others, whose answers nobody receives until another
   * session has subscribed.
   */
  private lost(lane: Lane, err: ConnectionError): void {
    const all = lane === this.receiver;
    this.hooks.lostOn(lane, all, err);
    if (all) this.receiver = undefined;
    if (this.claim === lane) this.claim = undefined;
    if (this.receiver === undefined) this.takeOver();
  }

  /** Another session that is up subscribes, and holds the subscription from its SUBACK on; one that cannot is left
   * (it reconnects, and opens holding the subscription if none has it by then). */
  private takeOver(): void {
    if (this.claim !== undefined || this.hooks.over()) return;
    const lane = this.lanes.find((one) => one.up);
    if (lane === undefined) return;
    const session = lane.session!;
    this.claim = lane;
    session.subscribe(this.subscription).then(
      () => {
        if (this.claim === lane) this.claim = undefined;
        if (lane.session === session) this.changed(lane, true);
        else this.takeOver();
      },
      () => {
        if (this.claim === lane) this.claim = undefined;
        if (lane.session === session) lane.drop();
        else this.takeOver();
      },
    );
  }

  /** The session a line goes out on now: the one with the fewest in flight, once a session receives the answers;
   * undefined when one must be waited for (see `prepare`). */
  laneFor(): Lane | undefined {
    if (this.receiver === undefined) return undefined;
    if (this.lanes.length === 1) return this.receiver;
    let best: Lane | undefined;
    for (const lane of this.lanes) if (lane.session && (best === undefined || lane.inFlight < best.inFlight)) best = lane;
    return best;
  }

  /** A session receives the answers, or every session has given up: a line can be sent, or recorded as not sent. */
  ready(): boolean {
    return this.receiver !== undefined || this.lanes.every((lane) => lane.failed);
  }

  /** Why a line cannot be sent: every session gave up. */
  unsendable(): string {
    return this.lanes.find((lane) => lane.failed)?.failed?.message ?? 'no connection to the broker';
  }


  /** Closing a session stops its reconnecting too: a finished stream is never kept alive. */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}
