/**
 * What a new user tripped over, round 3 (#44): ordinary mistakes, each answered by the built bin/scp with one line
 * that says what was meant, exit 2 and nothing published; and what a run says when it goes right. The terminal's
 * side (the confirmation, the prompts' words, the chart) is in any-broker/interactive.e2e.test.ts and
 * unit/schedule.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker, type Broker } from '../helpers/broker.js';
import { startSpy, uniqueTopics } from '../helpers/responder.js';
import { runScp } from '../helpers/run.js';
import { startSimulator } from '../helpers/simulator.js';

const dir = mkdtempSync(join(tmpdir(), 'scp-mistakes-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
let broker: Broker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(async () => broker.close());

/** Runs scp on fresh topics with a spy on the request topic: the one line it said, its exit, and what was published. */
async function refused(args: string[], stdin?: string) {
  const topics = uniqueTopics();
  const spy = await startSpy(broker.url, topics);
  try {
    const run = await runScp(['--broker', broker.url, ...topics.args, ...args], {}, stdin);
    return { code: run.code, stderr: run.stderr, stdout: run.stdout, published: spy.seen.length };
  } finally {
    await spy.close();
  }
}

describe('a limit and its unit', () => {
  it('takes the unit in any case', async () => {
    for (const [limit, unit, value] of [['11kw', 'W', 11000], ['11KW', 'W', 11000], ['16a', 'A', 16], ['7400w', 'W', 7400]] as const) {
      const run = await runScp(['set', '--evse', '1', '--id', '5', '--limit', limit, '--dry-run', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).data.charging_profile.charging_schedule[0]).toMatchObject({ charging_rate_unit: unit, charging_schedule_period: [{ limit: value }] });
    }
  });

  it('a unit the shell split off (--limit 11 kW) is said as such, not as an argument too many', async () => {
    for (const args of [['--limit', '11', 'kW'], ['--limit=11', 'kw']]) {
      const run = await refused(['set', '--evse', '1', '--id', '5', ...args]);
      expect(run).toMatchObject({ code: 2, published: 0 });
      expect(run.stderr).toBe(`scp: --limit: "11 ${args.at(-1)}" is not allowed; write the number and its unit together: 11kW\n`);
    }
  });

  it('an input line may write the rate unit in any case', async () => {
    const simulator = await startSimulator(['simulate', '--embedded', '0']);
    try {
      const run = await runScp(['--broker', simulator.url, 'schedule', '--input', '-', '--json'], {}, '{"evse_id": "GB*SEV*E001", "duration": 600, "charging_rate_unit": "w"}\n');
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).request.data.charging_rate_unit).toBe('W');
    } finally {
      await simulator.stop();
    }
  });
});

describe('did you mean', () => {
  it.each([
    [['clear', '--purpose', 'txprofile'], '(did you mean TxProfile?)'],
    [['set', '--evse', '1', '--id', '5', '--limit', '16A', '--purpose', 'txdefault'], '(did you mean TxDefaultProfile?)'],
    [['simulate', '--service-status', 'Ready'], '(did you mean ready?)'],
    [['set', '--evse', '1', '--id', '5', '--limit', '16A', '--recurring', 'Daily'], '(did you mean daily?)'],
    [['status', '--service', 'smartcharging'], '(did you mean smart_charging?)'],
    [['--mqtt-version', '3', 'status'], '(did you mean 3.1.1?)'],
  ])('%j: one line that says which value was meant', async (args, meant) => {
    const run = await refused(args);
    expect(run).toMatchObject({ code: 2, published: 0 });
    expect(run.stderr.split('\n')).toEqual([expect.stringContaining(meant), '']);
  });
});

describe('files that cannot be read, and JSON that is not valid', () => {
  const folder = join(dir, 'a-folder');
  mkdirSync(folder, { recursive: true });
  const missing = join(dir, 'missing.json');
  it.each([
    ['--input', (path: string) => ['clear', '--input', path]],
    ['--file', (path: string) => ['set', '--evse', '1', '--file', path]],
    ['--password-file', (path: string) => ['--username', 'u', '--password-file', path, 'clear', '--id', '1']],
    ['--config', (path: string) => ['--config', path, 'clear', '--id', '1']],
    ['--profiles', (path: string) => ['simulate', '--profiles', path]],
  ])('%s: "not found" and "a folder", with the path, never the system\'s code', async (flag, args) => {
    for (const [path, words] of [[missing, 'not found'], [folder, 'a folder, not a file']] as const) {
      const run = await refused(args(path));
      expect(run).toMatchObject({ code: 2, published: 0, stderr: `scp: ${flag}: ${JSON.stringify(path)}: ${words}\n` });
    }
  });

  it('--file, --profiles and the config file say where the JSON breaks, by line and column, one way', async () => {
    const broken = file('broken.json', '{\n  "id": 1,\n}\n');
    const set = await refused(['set', '--evse', '1', '--file', broken]);
    expect(set.stderr).toBe(`scp: --file: ${JSON.stringify(broken)} is not valid JSON at line 3, column 1 (found "}")\n`);
    const profiles = await refused(['simulate', '--profiles', broken]);
    expect(profiles.stderr).toBe(`scp: --profiles: ${JSON.stringify(broken)} is not valid JSON at line 3, column 1 (found "}")\n`);
    const config = await refused(['--config', broken, 'clear', '--id', '1']);
    expect(config.stderr).toMatch(/not valid JSON at line 3, column 1 \(found "\}"\)/);
  });
});

describe('input lines and the config file, in the words of their fields', () => {
  it('an invalid input line names the field and what is allowed, never a JSON pointer', async () => {
    const run = await refused(['clear', '--input', '-', '--timeout', '0.3'], '-1\n{"charging_profile_id": "5"}\n{"charging_profile_criteria": {"charging_profile_purpose": "txprofile"}}\n{"charging_profile_id": 1,}\n');
    expect(run.published).toBe(0);
    expect(run.stdout.split('\n').slice(0, 4)).toEqual([
      'line 1: invalid input: charging_profile_id: -1 is not allowed; expected at least 0',
      'line 2: invalid input: charging_profile_id: "5" is a string; write the number without quotes: 5',
      'line 3: invalid input: charging_profile_criteria.charging_profile_purpose: "txprofile" is not allowed; expected one of ChargingStationExternalConstraints, ChargingStationMaxProfile, TxDefaultProfile, TxProfile (did you mean TxProfile?)',
      'line 4: invalid input: not valid JSON at column 27 (found "}")',
    ]);
    expect(run.stdout).not.toMatch(/\/data/);
  });

  it('a config value quoted as a string, and a misspelt key, are said as such', async () => {
    const config = file('config.json', JSON.stringify({ profiles: { lab: { timeout: '5', brokr: 'mqtt://x' } } }));
    const run = await runScp(['--config', config, 'config', 'validate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('profiles.lab: unknown key "brokr" (did you mean broker?); allowed: broker, ');
    expect(run.stderr).toContain('profiles.lab.timeout: "5" is a string; write the number without quotes: 5');
  });
});

describe('the fleet simulator', () => {
  it('says once, in a sentence after its profiles, what it does not serve; never as its first line', async () => {
    const topics = ['--request-topic', 'st/{station}/ocpp/smart_charging', '--response-topic', 'st/{station}/smart_charging/ocpp'];
    const simulator = await startSimulator([...topics, 'simulate', '--embedded', '0', '--stations', '3']);
    try {
      const lines = simulator.stderr().split('\n');
      expect(lines[0]).toMatch(/^scp: embedded MQTT broker listening on /);
      const said = lines.filter((line) => /service_status/.test(line) && !/^scp: serving/.test(line));
      expect(said).toEqual(['scp: the stations do not answer service_status: its topics (cs/josev) name no {station}; give --status-request-topic and --status-response-topic with {station} for that']);
      expect(lines.indexOf(said[0]!)).toBeGreaterThan(lines.findIndex((line) => /starts with these profiles/.test(line)));
      expect(simulator.stderr()).not.toMatch(/left out/);
    } finally {
      await simulator.stop();
    }
  });
});
