/**
 * The session pool of a stream (src/transport/pool.ts) driven with stand-in sessions, no broker: which session a
 * request goes out on, what a loss takes, who holds the subscription after one, and reconnecting round the brokers.
 * The same pool carries every `--input` stream end to end (test/e2e/any-broker/stream.e2e.test.ts, the fault matrix).
 */
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/core/errors.js';
import { sessionKeepsTrying, type KeepTrying } from '../../src/transport/failover.js';
import { SessionPool, type PooledSession, type SessionAt } from '../../src/transport/pool.js';

/** A session that publishes into a list, acknowledges at once, and is lost when the test says so. */
class StandIn implements PooledSession {
  readonly published: string[] = [];
  readonly subscribed: string[] = [];
  readonly lost: Promise<never>;
  closed = false;
  private loseWith!: (error: ConnectionError) => void;
  constructor(readonly at: SessionAt) {
    this.lost = new Promise<never>((_, reject) => (this.loseWith = reject));
    this.lost.catch(() => undefined);
  }
  publish(_topic: string, payload: string, done: (error?: Error) => void): void {
    this.published.push(payload);
    queueMicrotask(() => done());
  }
  subscribe(topic: string): Promise<void> {
    this.subscribed.push(topic);
    return Promise.resolve();
  }
  lose(): void {
    this.loseWith(new ConnectionError(`lost the connection to broker ${this.at.broker}`, { lost: true }));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Lets the pool's promises, and its reconnecting (a pause of 0 ms), run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A pool of `size` stand-ins; `refuse(at)` says which attempts to open fail. */
function standInPool(size: number, { brokers = ['mqtt://a'], refuse = () => false, keepTrying }: { brokers?: string[]; refuse?: (at: SessionAt) => boolean; keepTrying?: KeepTrying } = {}) {
  const opened: StandIn[] = [];
  const attempts: SessionAt[] = [];
  const lost: string[][] = [];
  const warnings: string[] = [];
  const pool = new SessionPool({
    size,
    brokers,
    subscription: 'answers/#',
    open: async (at) => {
      attempts.push(at);
      if (refuse(at)) throw new ConnectionError(`cannot connect to ${brokers[at.broker]}: connection refused`, { nothingSent: true });
      const session = new StandIn(at);
      opened.push(session);
      return session;
    },
    keepTrying: keepTrying ?? sessionKeepsTrying(brokers.length),
    pauseMs: 0,
    lost: (ids) => lost.push([...ids]),
    changed: () => undefined,
    warn: (message) => warnings.push(message),
    signal: new AbortController().signal,
  });
  /** The session of the pool that is up now with this number. */
  const current = (session: number) => opened.filter((one) => one.at.session === session && !one.closed).at(-1)!;
  const send = (id: string) => pool.send(id, 'requests', id, () => undefined);
  return { pool, opened, attempts, lost, warnings, current, send };
}

describe('SessionPool', () => {
  it('opens every session at once, the first holding the subscription, and sends each request on the one with the fewest in flight', async () => {
    const { pool, current, send, attempts } = standInPool(2);
    await pool.open();
    expect(attempts.map(({ session, subscription }) => [session, subscription])).toEqual([[1, 'answers/#'], [2, undefined]]);
    expect(pool.ready()).toBe(true);
    for (const id of ['a', 'b', 'c', 'd']) expect(send(id)).toBe(0);
    expect([current(1).published, current(2).published]).toEqual([['a', 'c'], ['b', 'd']]);
    pool.done('a');
    pool.done('c');
    send('e');
    expect(current(1).published).toEqual(['a', 'c', 'e']);
    await pool.close();
  });

  it('a loss mid-stream takes what that session had in flight, and only that; it reconnects while the others carry on', async () => {
    const { pool, current, send, lost, warnings, attempts } = standInPool(2);
    await pool.open();
    for (const id of ['a', 'b', 'c', 'd']) send(id);
    current(2).lose();
    await settle();
    expect(lost).toEqual([['b', 'd']]);
    expect(pool.ready()).toBe(true);
    // Back with a new connection (`again`: a new client id is due), not taking the subscription session 1 holds.
    expect(attempts.at(-1)).toMatchObject({ session: 2, again: true, subscription: undefined });
    expect(warnings).toEqual(['session 2 reconnected to the broker after losing the connection (attempt 1)']);
    // Session 1's requests are still in flight: settling them is the stream's business, not the loss's.
    send('e');
    expect(current(2).published).toEqual(['e']);
    pool.done('a');
    pool.done('c');
    expect(lost).toEqual([['b', 'd']]);
    await pool.close();
  });

  it('a loss of the session holding the subscription takes every request in flight, and another session takes the subscription over', async () => {
    const { pool, current, send, lost } = standInPool(2);
    await pool.open();
    const second = current(2);
    for (const id of ['a', 'b', 'c']) send(id);
    current(1).lose();
    // Once the loss is seen, and until another session's SUBACK: nobody receives answers, so nothing may be sent.
    await Promise.resolve();
    expect(pool.ready()).toBe(false);
    expect(send('z')).toBeUndefined();
    await settle();
    expect(lost).toEqual([['a', 'b', 'c']]);
    expect(second.subscribed).toEqual(['answers/#']);
    expect(pool.ready()).toBe(true);
    // Session 2 holds it now: its loss takes the requests on session 1 too.
    send('x');
    send('y');
    expect([...current(1).published, ...second.published]).toEqual(expect.arrayContaining(['x', 'y']));
    second.lose();
    await settle();
    expect(lost.at(-1)!.sort()).toEqual(['x', 'y']);
    await pool.close();
  });

  it('a reconnect that fails goes on round the brokers until one accepts', async () => {
    let tries = 0;
    const brokers = ['mqtt://a', 'mqtt://b'];
    const { pool, current, send, warnings, attempts } = standInPool(1, { brokers, refuse: (at) => at.again && tries++ < 2 });
    await pool.open();
    send('a');
    current(1).lose();
    await settle();
    expect(attempts.map(({ broker, again }) => [broker, again])).toEqual([[0, false], [1, true], [0, true], [1, true]]);
    expect(warnings).toEqual(['reconnected to mqtt://b after losing the connection to mqtt://a (attempt 3)']);
    expect(pool.ready()).toBe(true);
    expect(send('b')).toBe(1);
    await pool.close();
  });

  it('gives up once the failover says so: ready, so that a line is recorded as not sent, with the last reason', async () => {
    const { pool, current, send } = standInPool(1, { refuse: (at) => at.again, keepTrying: () => false });
    await pool.open();
    current(1).lose();
    await settle();
    expect(pool.ready()).toBe(true);
    expect(send('a')).toBeUndefined();
    expect(pool.unsendable()).toBe('cannot connect to mqtt://a: connection refused');
  });

  it('opens if any session can, and fails with the first reason if none can', async () => {
    const some = standInPool(2, { refuse: (at) => at.session === 1 && !at.again });
    await some.pool.open();
    await settle();
    expect(some.pool.ready()).toBe(true);
    expect(some.current(2).subscribed).toEqual(['answers/#']);
    await some.pool.close();
    const none = standInPool(2, { refuse: () => true });
    await expect(none.pool.open()).rejects.toThrow('cannot connect to mqtt://a: connection refused');
  });

  it('a follow-up takes its request\'s place on the same session; a closed pool reconnects no more', async () => {
    const { pool, current, send, opened } = standInPool(2);
    await pool.open();
    send('a');
    send('b');
    expect(pool.sendAfter('b', 'b2', 'requests', 'b2', () => undefined)).toBe(0);
    expect(current(2).published).toEqual(['b', 'b2']);
    expect(pool.sendAfter('gone', 'x', 'requests', 'x', () => undefined)).toBeUndefined();
    await pool.close();
    const count = opened.length;
    opened[0]!.lose();
    await settle();
    expect(opened.length).toBe(count);
  });
});
