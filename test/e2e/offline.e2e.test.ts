/**
 * `scp schedule --offline` (issue #32): the built bin/scp computes the schedule itself, from the station options
 * `scp simulate` takes, and must answer exactly as the simulator does online: on the project's composite cases, on the
 * built-in station and on random stations (fast-check), through real processes and, online, a real broker. It never
 * connects, and refuses what a station would refuse, naming the entry and the rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScp, type RunResult } from '../helpers/run.js';
import { startSimulator } from '../helpers/simulator.js';
import { CASES, H, NOW, type CaseRequest } from '../helpers/composite-cases.js';
import type { ScheduledProfile, StationModel } from '../../src/core/composite.js';

let dir: string;
let files = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scp-offline-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The station flags `scp simulate` and `scp schedule --offline` both take, for a case's profiles and station. */
function stationFlags(profiles: readonly ScheduledProfile[], model?: StationModel): string[] {
  const path = join(dir, `station-${files++}.json`);
  writeFileSync(path, JSON.stringify(profiles.map(({ evse_id, charging_profile }) => ({ evse_id, charging_profile }))));
  const flags = ['--profiles', path, '--clock', (model?.now ?? new Date(NOW)).toISOString()];
  if (model === undefined) return [...flags, '--evses', '3'];
  flags.push('--evses', String(model.evses.length), '--supply-voltage', String(model.supplyVoltage), '--default-phases', String(model.defaultPhases));
  flags.push('--default-limit', `${model.defaultLimits.A}A`, '--default-limit', `${model.defaultLimits.W}W`);
  for (const [evse, { id, start }] of model.transactions) flags.push('--transaction', `${evse}=${id}@${start.toISOString()}`);
  return flags;
}

const requestFlags = (request: CaseRequest = {}) => ['--evse', request.evse ?? '1', '--duration', String(request.duration ?? 2 * H), ...(request.unit ? ['--unit', request.unit] : [])];

/** What a script sees of a run, the record's transport fields (id, time, broker / offline) set aside. */
function seen(run: RunResult) {
  const stderr = run.stderr.replace(/^scp: computed offline from .*\n/m, '');
  if (run.code !== 0 && run.code !== 1) return { code: run.code, stderr, stdout: run.stdout };
  const { request, response, outcome, elapsed_ms: _elapsed, broker: _broker, offline: _offline, ...rest } = JSON.parse(run.stdout);
  return { code: run.code, stderr, outcome, data: request.data, answer: response.data, rest, same: request.id === response.id };
}

/** The same question online (the simulator, on its embedded broker) and offline: what each run shows a script. */
async function bothWays(station: string[], request: string[]) {
  const offline = await runScp(['schedule', '--offline', ...station, ...request, '--json']);
  let online: RunResult;
  try {
    const simulator = await startSimulator(['simulate', '--embedded', '0', ...station]);
    try {
      online = await runScp(['--broker', simulator.url, 'schedule', ...request, '--json']);
    } finally {
      await simulator.stop();
    }
  } catch {
    // A station that would refuse its own profiles never starts: the refusal is the answer to compare.
    online = await runScp(['simulate', '--embedded', '0', ...station]);
  }
  return { online: seen(online), offline: seen(offline), raw: offline };
}

// Stations a station accepts: one profile per purpose, EVSE and stack level, each TxProfile its transaction's.
const stationArb = fc
  .record({
    evses: fc.integer({ min: 1, max: 3 }),
    transaction: fc.boolean(),
    profiles: fc.array(
      fc.record({
        purpose: fc.constantFrom('TxDefaultProfile', 'TxProfile', 'ChargingStationMaxProfile', 'ChargingStationExternalConstraints'),
        evse: fc.integer({ min: 0, max: 3 }),
        kind: fc.constantFrom('Absolute', 'Recurring', 'Relative'),
        unit: fc.constantFrom('A', 'W'),
        start: fc.integer({ min: -2 * 86400, max: 86400 }),
        periods: fc.array(fc.tuple(fc.integer({ min: 60, max: 4 * H }), fc.integer({ min: 0, max: 64 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })), { minLength: 1, maxLength: 4 }),
      }),
      { maxLength: 6 },
    ),
    evse: fc.integer({ min: 0, max: 3 }),
    unit: fc.constantFrom(undefined, 'A', 'W'),
  })
  .map(({ evses, transaction, profiles, evse, unit }) => {
    const held: ScheduledProfile[] = profiles.map((p, i) => {
      const stationWide = p.purpose === 'ChargingStationMaxProfile' || (p.purpose === 'ChargingStationExternalConstraints' && p.evse === 0);
      const on = stationWide ? '0' : String(p.purpose === 'TxProfile' ? 1 : Math.min(Math.max(p.evse, 1), evses));
      const kind = p.purpose === 'ChargingStationMaxProfile' && p.kind === 'Relative' ? 'Absolute' : p.kind;
      let at = 0;
      const periods = p.periods.map(([gap, limit, phases], j) => ({ start_period: j === 0 ? 0 : (at += gap), limit: p.unit === 'W' ? limit * 230 : limit, ...(phases ? { number_phases: phases } : {}) }));
      const profile = {
        id: i + 1,
        stack_level: i,
        charging_profile_purpose: p.purpose,
        charging_profile_kind: kind,
        ...(kind === 'Recurring' ? { recurrency_kind: 'Daily' as const } : {}),
        ...(p.purpose === 'TxProfile' ? { transaction_id: 'T1' } : {}),
        charging_schedule: [{ id: 1, charging_rate_unit: p.unit, ...(kind === 'Relative' ? {} : { start_schedule: new Date(Date.parse(NOW) + p.start * 1000).toISOString() }), charging_schedule_period: periods }],
      };
      return { evse_id: on, charging_profile: profile } as unknown as ScheduledProfile;
    });
    const model: StationModel = {
      now: new Date('2026-12-01T18:00:00Z'),
      evses: Array.from({ length: evses }, (_, i) => String(i + 1)),
      transactions: new Map(transaction || held.some((p) => p.charging_profile.charging_profile_purpose === 'TxProfile') ? [['1', { id: 'T1', start: new Date('2026-12-01T17:20:00Z') }]] : []),
      supplyVoltage: 230,
      defaultLimits: { A: 48, W: 33120 },
      defaultPhases: 3,
    };
    return { held, model, request: { evse: String(Math.min(evse, evses)), duration: 86400, ...(unit ? { unit } : {}) } as CaseRequest };
  });

describe('scp schedule --offline answers as the simulator does online', () => {
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { online, offline } = await bothWays(stationFlags(c.profiles, c.model), requestFlags(c.request));
    expect(offline).toEqual(online);
  });

  it.concurrent.each([
    ['GB*SEV*E001', []],
    ['GB*SEV*E002', ['--unit', 'W']],
    ['GB*SEV*E003', ['--duration', '2h']],
    ['0', ['--unit', 'A']],
    ['GB*SEV*E009', []],
  ])('the built-in station, --evse %s %j', async (evse, more) => {
    const { online, offline, raw } = await bothWays(['--clock', '2026-12-01T18:00:00Z'], ['--evse', evse, ...more]);
    expect(offline).toEqual(online);
    expect(raw.stderr).toBe('scp: computed offline from the built-in station: no station was asked\n');
    expect(JSON.parse(raw.stdout)).toMatchObject({ offline: true });
    expect(JSON.parse(raw.stdout)).not.toHaveProperty('broker');
  });

  it('on random stations (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(stationArb, async ({ held, model, request }) => {
        const { online, offline } = await bothWays(stationFlags(held, model), requestFlags(request));
        expect(offline).toEqual(online);
        // Every generated station is one a station accepts: the comparison is of schedules, not of refusals.
        expect(offline.code).toBe(0);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});

describe('scp schedule --offline, by itself', () => {
  it('the README\'s "Why is my profile not in force?" example prints what the README shows', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```console\n\$ (scp schedule --offline [^\n]*--explain)\n([\s\S]*?)```/.exec(readme)!;
    const args = block[1]!.replace(/^scp /, '').match(/'[^']*'|\S+/g)!.map((arg) => arg.replace(/^'(.*)'$/, '$1'));
    const [stderr, ...stdout] = block[2]!.split('\n');
    const run = await runScp(args, { TZ: 'UTC' });
    expect([run.code, run.stderr, run.stdout]).toEqual([0, `${stderr}\n`, stdout.join('\n')]);
  });

  it('--explain --json: the record\'s explain, each period\'s profiles and each unused profile with its reason', async () => {
    const run = await runScp(['schedule', '--offline', '--clock', '2026-12-01T18:00:00Z', '--evse', 'GB*SEV*E001', '--duration', '4h', '--explain', '--json']);
    const { explain } = JSON.parse(run.stdout);
    const txProfile = { id: 1, evse_id: 'GB*SEV*E001', charging_profile_purpose: 'TxProfile', stack_level: 0 };
    expect(explain.periods).toEqual([
      { start_period: 0, limit: 32, profiles: [txProfile] },
      { start_period: 3600, limit: 16, profiles: [txProfile] },
    ]);
    expect(explain.unused.map((u: { id: number; reason: string; by?: Array<{ id: number }> }) => [u.id, u.reason, u.by?.map((p) => p.id)])).toEqual([
      [2, 'a TxProfile of the transaction takes precedence wherever it is in force', [1]],
      [3, 'another EVSE', undefined],
      [4, 'another EVSE', undefined],
      [5, 'another EVSE', undefined],
      [6, 'a lower limit applies wherever it is in force', [1]],
      [7, 'a lower limit applies wherever it is in force', [1]],
    ]);
    // Without --explain, no explain: the record is the online one.
    expect(JSON.parse((await runScp(['schedule', '--offline', '--evse', 'GB*SEV*E001', '--json'])).stdout)).not.toHaveProperty('explain');
  });

});

describe('scp schedule --offline: what it prints', () => {
  it('never connects: a broker that is not there, and a --json record in place of one', async () => {
    const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', 'schedule', '--offline', '--clock', '2026-12-01T18:00:00Z', '--evse', 'GB*SEV*E002', '--duration', '1h', '--timeout', '0.2']);
    expect([run.code, run.stderr]).toEqual([0, 'scp: computed offline from the built-in station: no station was asked\n']);
    expect(run.stdout).toBe(
      [
        'Accepted',
        'EVSE      GB*SEV*E002',
        'start     2026-12-01 18:00:00 UTC (2026-12-01T18:00:00Z)',
        'duration  1h (3600 s)',
        'unit      A',
        '',
        'from                 to                   limit  phases',
        '2026-12-01 18:00:00  2026-12-01 19:00:00  16 A   3',
        '',
      ].join('\n'),
    );
  });

  it('refuses a station a station would refuse, naming the entry and the rule: exit 2', async () => {
    const path = join(dir, 'refused.json');
    const profile = { id: 4, stack_level: 0, charging_profile_purpose: 'TxProfile', charging_profile_kind: 'Relative', transaction_id: 'T9', charging_schedule: [{ id: 1, charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 16 }] }] };
    writeFileSync(path, JSON.stringify([{ evse_id: '1', charging_profile: profile }]));
    const run = await runScp(['schedule', '--offline', '--profiles', path, '--evse', '1']);
    expect([run.code, run.stdout, run.stderr]).toEqual([2, '', `scp: --profiles: ${JSON.stringify(path)}: entry 1 (id 4): a station refuses it: TxProfileEvseHasNoActiveTransaction (EVSE 1 has no active transaction)\n`]);
  });

  it('refuses a malformed profiles file naming the entry and the field, before any question', async () => {
    const path = join(dir, 'malformed.json');
    writeFileSync(path, JSON.stringify([{ evse_id: '1', charging_profile: { id: 'x' } }]));
    const run = await runScp(['schedule', '--offline', '--profiles', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^scp: --profiles: ".*malformed\.json": entry 1: charging_profile\.stack_level: required; .*charging_profile\.id: "x" is not allowed; expected an integer\n$/);
  });

});

describe('scp schedule --offline: what it refuses, and streams', () => {
  it.each([
    [['--explain'], 'scp: --explain: only with --offline\n'],
    [['--profiles', 'x.json'], 'scp: --profiles: only with --offline\n'],
    [['--clock', '2026-12-01T18:00:00Z'], 'scp: --clock: only with --offline\n'],
    [['--transaction', '1=T1'], 'scp: --transaction: only with --offline\n'],
    [['--default-phases', '1'], 'scp: --default-phases: only with --offline\n'],
  ])('refuses the station options without --offline: %j, exit 2, nothing sent', async (flags, message) => {
    const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', 'schedule', '--evse', '1', ...flags]);
    expect([run.code, run.stdout, run.stderr]).toEqual([2, '', message]);
  });

  it('--input: each line answered offline, invalid lines said, a station named in a line refused', async () => {
    const input = ['{"evse_id": "GB*SEV*E001", "duration": 3600}', 'nonsense', '{"station": "7", "evse_id": "GB*SEV*E001", "duration": 60}', '{"evse_id": "GB*SEV*E009", "duration": 60}'].join('\n');
    const run = await runScp(['schedule', '--offline', '--clock', '2026-12-01T18:00:00Z', '--input', '-', '--json'], {}, `${input}\n`);
    const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records.map((r) => [r.line, r.outcome, r.offline ?? null])).toEqual([
      [1, 'accepted', true],
      [2, 'invalid_input', null],
      [3, 'invalid_input', null],
      [4, 'rejected', true],
    ]);
    expect(records[0].response.data.schedule.charging_schedule_period).toEqual([{ start_period: 0, limit: 32, number_of_phases_available: 3 }]);
    expect(records[2].error).toMatch(/^station: not with --offline/);
    expect(run.code).toBe(2);
  });
});
