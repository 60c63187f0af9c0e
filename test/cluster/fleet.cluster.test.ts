/**
 * The fleet through a real 3-node cluster (issues #21, #34): NATS servers routed into one cluster on loopback, each
 * with JetStream and an MQTT listener, started and stopped by each test (test/brokers/nats-cluster.mjs). `scp
 * simulate --stations 50` serves on one node (with another as its next broker); scp streams requests spread over the
 * 50 stations through another node, with the third as its next broker; a node is killed at a tenth of the stream.
 * `npm run test:cluster`, its own CI step.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { startNatsCluster, type ClusterNode, type NatsCluster } from '../brokers/nats-cluster.mjs';
import { SCP_BIN, cleanEnv, runScp } from '../helpers/run.js';
import { startSimulator, type Simulator } from '../helpers/simulator.js';

const TOPICS = ['--request-topic', 'stations/{station}/ocpp/smart_charging', '--response-topic', 'stations/{station}/smart_charging/ocpp'];
const STATIONS = 50;

/** The stream rules (README "Exit codes"): the most severe outcome of any line decides. */
const EXIT_OF: Record<string, number> = { accepted: 0, unknown: 1, rejected: 1, invalid_input: 2, timeout: 3, error: 4, invalid_response: 5 };

let cluster: NatsCluster | undefined;
let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.stop('SIGKILL');
  await cluster?.stop();
  simulator = undefined;
  cluster = undefined;
});

/** A cluster, and the simulator on `on` with `next` as its next broker. */
async function fleet(on: number, next: number): Promise<{ nodes: ClusterNode[]; simulator: Simulator }> {
  cluster = await startNatsCluster({ nodes: 3 });
  const { nodes } = cluster;
  simulator = await startSimulator(['--broker', nodes[on]!.url, '--broker', nodes[next]!.url, ...TOPICS, 'simulate', '--stations', String(STATIONS)]);
  return { nodes, simulator };
}

interface StreamRun {
  records: Array<Record<string, any>>;
  stderr: string;
  code: number | null;
  /** From the last record on stdout to the process's exit. */
  exitAfterLastMs: number;
}

/** `count` clear requests over the stations through `brokers`; `atTenth` runs once a tenth of the records are out. */
async function stream(brokers: ClusterNode[], count: number, extra: string[], atTenth: () => void): Promise<StreamRun> {
  // Profile ids 2 to 7, so that answers are a mix of accepted (the first clear of one) and unknown (the rest).
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ station: String(1 + (i % STATIONS)), charging_profile_id: 2 + (i % 6) }));
  const args = [...brokers.flatMap((node) => ['--broker', node.url]), ...TOPICS, ...extra, 'clear', '--input', '-', '--json'];
  const child = spawn(process.execPath, [SCP_BIN, ...args], { env: cleanEnv() });
  let stdout = '';
  let stderr = '';
  let written = 0;
  let lastRecordAt = 0;
  let fired = false;
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stdout += text;
    lastRecordAt = performance.now();
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) written++;
    if (!fired && written >= count / 10) {
      fired = true;
      atTenth();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(`${lines.join('\n')}\n`);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect(fired, 'the node was killed during the run').toBe(true);
  return { records: stdout.trimEnd().split('\n').map((line) => JSON.parse(line)), stderr, code, exitAfterLastMs: performance.now() - lastRecordAt };
}

/** What holds for every stream, whatever was lost: one record per line, in order; nothing resent; nothing left
 * unsent while a node accepts; what was in flight on a lost node said as possibly applied; the worst outcome's exit
 * code; and an exit of its own within a second of the last record. */
function expectHeld(run: StreamRun, count: number): void {
  const context = `scp:\n${run.stderr.slice(-2000)}\nsimulator (exit ${simulator?.child.exitCode}):\n${simulator?.stderr().slice(-2000)}`;
  expect(run.records.length, context).toBe(count);
  expect(run.records.every((record, i) => record.line === i + 1)).toBe(true);
  const ids = run.records.filter((r) => r.request).map((r) => r.request.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(run.records.filter((r) => !['accepted', 'unknown', 'timeout'].includes(r.outcome)), context).toEqual([]);
  for (const record of run.records.filter((r) => r.outcome === 'timeout')) expect(record.error).toMatch(/may (still|or may not)/);
  expect(run.code).toBe(Math.max(...run.records.map((r) => EXIT_OF[r.outcome]!)));
  expect(run.exitAfterLastMs).toBeLessThan(1000);
}

describe('the fleet through a 3-node NATS cluster', () => {
  it('templated single calls reach their station through any node', async () => {
    const { nodes, simulator: service } = await fleet(0, 1);
    for (const [node, station] of [[1, '17'], [2, '50']] as const) {
      const run = await runScp(['--broker', nodes[node]!.url, ...TOPICS, '--station', station, 'clear', '--id', '1', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'accepted', station, broker: nodes[node]!.url });
    }
    const schedule = await runScp(['--broker', nodes[2]!.url, ...TOPICS, '--station', '3', 'schedule', '--evse', 'GB*SEV*E002', '--json']);
    expect(JSON.parse(schedule.stdout).response.data.status).toBe('Accepted');
    expect(service.stdout()).toMatch(/ station 17 [0-9a-f-]+ clear id=1: removed #1 -> accepted/);
  });

  it('20,000 requests over 8 sessions; the node scp is on is killed at a tenth: every session goes on through the next node', async () => {
    const { nodes } = await fleet(0, 2);
    const [on, next] = [nodes[1]!, nodes[2]!];
    const run = await stream([on, next], 20_000, ['--connections', '8'], () => void on.kill());
    expectHeld(run, 20_000);
    expect(new Set(run.records.map((r) => r.broker))).toEqual(new Set([on.url, next.url]));
    expect(run.records.at(-1)!.broker).toBe(next.url);
    expect(run.stderr).toMatch(new RegExp(`session \\d reconnected to ${next.url} after losing the connection to ${on.url}`));
    // Most of the stream went after the loss, through the next node, and was answered there.
    const after = run.records.filter((r) => r.broker === next.url);
    expect(after.length).toBeGreaterThan(15_000);
    expect(after.filter((r) => r.outcome !== 'timeout').length).toBeGreaterThan(after.length / 2);
  });

  it('one session: the node scp is on is killed at a tenth; the rest goes through the next node, none left unsent', async () => {
    const { nodes } = await fleet(0, 2);
    const [on, next] = [nodes[1]!, nodes[2]!];
    const run = await stream([on, next], 2_000, [], () => void on.kill());
    expectHeld(run, 2_000);
    expect(run.stderr).toMatch(new RegExp(`reconnected to ${next.url} after losing the connection to ${on.url}`));
    expect(run.records.filter((r) => r.broker === next.url).length).toBeGreaterThan(1_500);
  });

  it("the simulator's node is killed at a tenth: the simulator goes on through its next node with every station's profiles, and so does the stream", async () => {
    const { nodes, simulator: service } = await fleet(0, 1);
    const run = await stream([nodes[2]!, nodes[1]!], 4_000, ['--connections', '4'], () => void nodes[0]!.kill());
    expectHeld(run, 4_000);
    expect(service.stderr()).toMatch(new RegExp(`lost the connection to ${nodes[0]!.url}/?; trying ${nodes[1]!.url}`));
    expect(service.stderr()).toMatch(new RegExp(`serving again on ${nodes[1]!.url}`));
    expect(service.child.exitCode).toBeNull();
    // Answered again once the simulator was back: the last tenth of the stream is all answers.
    expect(run.records.slice(-400).every((r) => r.outcome === 'accepted' || r.outcome === 'unknown')).toBe(true);
    // The profiles were kept: station 1's profile 2 was cleared once in the whole run, never twice.
    const station1Profile2 = run.records.filter((r) => r.request.data.charging_profile_id === 2 && r.station === '1' && r.outcome === 'accepted');
    expect(station1Profile2.length).toBeLessThanOrEqual(1);
  });
});
