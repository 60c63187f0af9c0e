/**
 * The fault matrix (table.ts), run against the embedded aedes broker and a Mosquitto the test starts on a free port
 * with its own config (so it can be stopped, restarted and given a password file). Each scenario runs the built
 * bin/scp with --json and checks the exit code, the message, and that the record carries no invented answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chmodSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import {
  startCuttingProxy,
  startEmbeddedBroker,
  startLoginBroker,
  startPrivateMosquitto,
  startSilentServer,
  type Broker,
} from '../helpers/broker.js';
import { response, startResponder, uniqueTopics, type Answer, type SeenRequest } from '../helpers/responder.js';
import { finished, runScp, spawnScp, type RunResult } from '../helpers/run.js';
import { FAULTS, type Fault } from './table.js';

const FOREIGN_ID = '2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1';
const LOGIN = { user: 'operator', password: 'correct horse' };

interface BrokerKind {
  name: string;
  /** A plain broker for the scenarios that need nothing special. */
  start(): Promise<Broker>;
  /** A broker that refuses anyone but LOGIN. */
  startWithLogin(): Promise<Broker>;
  /** A broker and a way to restart it in place (same port). */
  startRestartable(): Promise<Broker & { restart(): Promise<void> }>;
}

const embedded: BrokerKind = {
  name: 'embedded aedes broker',
  start: () => startEmbeddedBroker(),
  startWithLogin: () => startLoginBroker(LOGIN.user, LOGIN.password),
  startRestartable: async () => {
    let current = await startEmbeddedBroker();
    const port = current.port;
    return {
      get url() {
        return current.url;
      },
      port,
      restart: async () => {
        await current.close();
        current = await startEmbeddedBroker({ port });
      },
      close: () => current.close(),
    };
  },
};

const mosquitto: BrokerKind = {
  name: 'Mosquitto started by the test',
  start: () => startPrivateMosquitto(),
  startWithLogin: () =>
    startPrivateMosquitto(
      (dir) => {
        const file = join(dir, 'passwords');
        const made = spawnSync('mosquitto_passwd', ['-b', '-c', file, LOGIN.user, LOGIN.password], { encoding: 'utf8' });
        if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr}`);
        // Started as root, Mosquitto drops to its own user before it reads the password file.
        chmodSync(dir, 0o755);
        chmodSync(file, 0o644);
        return `password_file ${file}\n`;
      },
      { anonymous: false },
    ),
  startRestartable: async () => {
    const broker = await startPrivateMosquitto();
    return {
      ...broker,
      restart: async () => {
        await broker.stop();
        await broker.start();
      },
    };
  },
};

type Scenario = (kind: BrokerKind, shared: Broker) => Promise<RunResult>;

/** scp clear --id 1 --json against `broker`, with a responder that answers each request with `answer(request)`. */
async function clearAgainst(
  broker: Broker,
  answer: (request: SeenRequest) => Answer[],
  { args = [] as string[], env = {} as Record<string, string>, scpUrl = broker.url, responderUrl = broker.url } = {},
): Promise<RunResult> {
  const topics = uniqueTopics();
  const responder = await startResponder(responderUrl, topics, answer);
  try {
    return await runScp(['--broker', scpUrl, ...topics.args, '--json', '--timeout', '0.5', ...args, 'clear', '--id', '1'], env);
  } finally {
    await responder.close().catch(() => undefined);
  }
}

const ours = (request: SeenRequest, data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  response(request.envelope!.id, data, extra);

const SCENARIOS: Record<string, Scenario> = {
  'not-listening': async () => {
    const closed = await startSilentServer();
    await closed.close();
    return runScp(['--broker', closed.url, '--json', 'clear', '--id', '1']);
  },
  'no-connack': async () => {
    const silent = await startSilentServer();
    try {
      return await runScp(['--broker', silent.url, '--json', '--connect-timeout', '0.5', 'clear', '--id', '1']);
    } finally {
      await silent.close();
    }
  },
  'wrong-credentials': async (kind) => {
    const broker = await kind.startWithLogin();
    try {
      return await runScp(['--broker', broker.url, '--json', '--username', LOGIN.user, 'clear', '--id', '1'], {
        SCP_PASSWORD: 'wrong horse',
      });
    } finally {
      await broker.close();
    }
  },
  'broker-restart': async (kind) => {
    const broker = await kind.startRestartable();
    const topics = uniqueTopics();
    let restarted: Promise<void> | undefined;
    // The service takes the request; then the broker goes down and comes back before any answer.
    const responder = await startResponder(broker.url, topics, () => {
      restarted = broker.restart();
      return [];
    });
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, '--json', '--timeout', '20', 'clear', '--id', '1']);
      await restarted;
      return run;
    } finally {
      await responder.close().catch(() => undefined);
      await broker.close();
    }
  },
  'cut-mid-wait': async (_kind, shared) => {
    const proxy = await startCuttingProxy(shared.port);
    try {
      return await clearAgainst(
        shared,
        () => {
          setTimeout(() => proxy.cut(), 20);
          return [];
        },
        { scpUrl: proxy.url, args: ['--timeout', '20'] },
      );
    } finally {
      await proxy.close();
    }
  },
  'cut-mid-stream': async (_kind, shared) => {
    const proxy = await startCuttingProxy(shared.port);
    const topics = uniqueTopics();
    let cut = false;
    const responder = await startResponder(shared.url, topics, (request) => {
      if (request.envelope!.data.charging_profile_id === 10 && !cut) {
        cut = true;
        proxy.cut();
        return [];
      }
      return [ours(request, { status: 'accepted' })];
    });
    try {
      const child = spawnScp(['--broker', proxy.url, ...topics.args, '--json', '--timeout', '5', 'clear', '--input', '-', '--concurrency', '4']);
      const done = finished(child);
      child.stdin.end(Array.from({ length: 40 }, (_, i) => String(i + 1)).join('\n'));
      const run = await done;
      // Nothing resent: every profile id reached the service at most once.
      const ids = responder.seen.map((r) => r.envelope!.data.charging_profile_id);
      expect(new Set(ids).size).toBe(ids.length);
      return run;
    } finally {
      await responder.close();
      await proxy.close();
    }
  },
  'never-answered': (_kind, shared) => clearAgainst(shared, () => []),
  'answered-twice': (_kind, shared) =>
    clearAgainst(shared, (r) => [ours(r, { status: 'accepted' }), ours(r, { status: 'unknown' })], { args: ['--timeout', '10'] }),
  'instant-answer': (_kind, shared) => clearAgainst(shared, (r) => [ours(r, { status: 'accepted' })], { args: ['--timeout', '10'] }),
  'wrong-name': (_kind, shared) =>
    clearAgainst(shared, (r) => [ours(r, { status: 'accepted' }, { name: 'set_charging_profile' })], { args: ['--verbose'] }),
  'wrong-type': (_kind, shared) =>
    clearAgainst(shared, (r) => [ours(r, { status: 'accepted' }, { type: 'request' })], { args: ['--verbose'] }),
  'bad-enum': (_kind, shared) => clearAgainst(shared, (r) => [ours(r, { status: 'Accepted' })], { args: ['--timeout', '10'] }),
  'extra-field': (_kind, shared) =>
    clearAgainst(shared, (r) => [ours(r, { status: 'accepted', priority: 1 })], { args: ['--timeout', '10'] }),
  'missing-status': (_kind, shared) =>
    clearAgainst(shared, (r) => [ours(r, { status_info: { reason_code: 'X' } })], { args: ['--timeout', '10'] }),
  'wrong-types': (_kind, shared) =>
    clearAgainst(shared, (r) => [ours(r, { status: 'accepted', status_info: { reason_code: 7, additional_info: false } })], {
      args: ['--timeout', '10'],
    }),
  'deeply-nested': (_kind, shared) =>
    clearAgainst(
      shared,
      (r) => [
        `{"id":"${r.envelope!.id}","name":"clear_charging_profile","type":"response","data":{"status":"accepted","status_info":{"reason_code":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`,
      ],
      { args: ['--timeout', '10', '--verbose'] },
    ),
  huge: (_kind, shared) =>
    clearAgainst(
      shared,
      (r) => {
        const data: Record<string, unknown> = { status: 'accepted' };
        for (let i = 0; i < 100_000; i++) data[`f${i}`] = 'x'.repeat(40);
        return [ours(r, data)];
      },
      { args: ['--timeout', '10', '--verbose'] },
    ),
  'non-utf8': (_kind, shared) => clearAgainst(shared, () => [Buffer.from([0xff, 0xfe, 0x7b, 0x22])], { args: ['--verbose'] }),
  'non-json': (_kind, shared) => clearAgainst(shared, () => ['{"id": "not even'], { args: ['--verbose'] }),
  flood: (_kind, shared) =>
    clearAgainst(
      shared,
      (r) => {
        const decoys: Answer[] = [];
        for (let i = 0; i < 10_000; i++) {
          decoys.push(i % 2 ? JSON.stringify(response(FOREIGN_ID, { status: 'accepted' })) : `noise ${i}`);
        }
        return [...decoys, ours(r, { status: 'unknown' })];
      },
      { args: ['--timeout', '20'] },
    ),
  retained: async (_kind, shared) => {
    const topics = uniqueTopics();
    const publisher = await connectAsync(shared.url, { reconnectPeriod: 0 });
    await publisher.publishAsync(topics.responseTopic, JSON.stringify(response(FOREIGN_ID, { status: 'accepted' })), { qos: 1, retain: true });
    const responder = await startResponder(shared.url, topics, () => []);
    try {
      return await runScp(['--broker', shared.url, ...topics.args, '--json', '--verbose', '--timeout', '0.5', 'clear', '--id', '1']);
    } finally {
      await publisher.publishAsync(topics.responseTopic, '', { qos: 1, retain: true });
      await publisher.endAsync();
      await responder.close();
    }
  },
};

function checkStream(fault: Fault, run: RunResult): void {
  expect(run.code, run.stderr).toBe(fault.exit);
  const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
  expect(records.map((r) => r.line)).toEqual(Array.from({ length: fault.lines! }, (_, i) => i + 1));
  expect(run.stdout).toMatch(fault.message);
  for (const record of records) {
    if (record.outcome === 'accepted') expect(record.response.id).toBe(record.request.id);
    else expect(record.response).toBeNull();
  }
  expect(records.some((r) => r.outcome === fault.outcome)).toBe(true);
}

function checkOutcome(fault: Fault, run: RunResult): void {
  if (fault.lines !== undefined) return checkStream(fault, run);
  expect(run.code, run.stderr).toBe(fault.exit);
  expect(fault.message.test(run.stdout) || fault.message.test(run.stderr), `stdout: ${run.stdout.slice(0, 300)}\nstderr: ${run.stderr.slice(0, 2000)}`).toBe(true);
  // Exactly one record, and nothing in it the service did not say.
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  const record = JSON.parse(lines[0]!);
  expect(record.outcome).toBe(fault.outcome);
  if (fault.outcome === 'accepted' || fault.outcome === 'unknown') {
    expect(record.response.id).toBe(record.request.id);
    expect(record.response.data.status).toBe(fault.outcome);
  } else if (fault.outcome !== 'invalid_response') {
    expect(record.response).toBeNull();
  }
  // One line per problem: no stack trace, no payload dumped into the error.
  const errorLines = run.stderr.split('\n').filter((line) => /^scp: (?!warning)/.test(line) && !/^scp: (ignored|received|publishing|published|connect|subscribed|disconnected|broker)/.test(line));
  expect(errorLines.length).toBeLessThanOrEqual(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  for (const line of errorLines) expect(line.length).toBeLessThan(1000);
}

it('has a scenario for every row of the table, and a row for every scenario', () => {
  expect(Object.keys(SCENARIOS).sort()).toEqual(FAULTS.map((f) => f.id).sort());
});

for (const kind of [embedded, mosquitto]) {
  describe(`faults against the ${kind.name}`, () => {
    let shared: Broker;
    beforeAll(async () => {
      shared = await kind.start();
    });
    afterAll(() => shared.close());

    for (const fault of FAULTS) {
      it(`${fault.fault}: exit ${fault.exit}`, async () => {
        checkOutcome(fault, await SCENARIOS[fault.id]!(kind, shared));
      });
    }
  });
}
