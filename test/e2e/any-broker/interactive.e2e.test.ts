/**
 * Interactive `scp clear` on a real pseudo-terminal: the built binary, typed at like an operator would, against a
 * real broker and responder. The prompt logic itself is covered key by key in test/unit/prompts.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerUnderTest, startLoginBroker, type Broker } from '../../helpers/broker.js';
import { response, startResponder, startSpy, uniqueTopics, type Answer, type SeenRequest } from '../../helpers/responder.js';
import { KEY, scpCommand, startPty } from '../../helpers/pty.js';
import { runScp, sleep } from '../../helpers/run.js';

let broker: Broker;
let dir: string;
beforeAll(async () => {
  broker = await brokerUnderTest();
  dir = mkdtempSync(join(tmpdir(), 'scp-pty-'));
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A terminal session that prints the terminal settings before and after scp, and scp's exit status: whatever scp
 * did to the terminal (raw mode, hidden cursor), it must have undone.
 */
function session(args: string[], env: Record<string, string> = {}) {
  const before = join(dir, `before-${Math.random()}`);
  const after = join(dir, `after-${Math.random()}`);
  const pty = startPty(`stty -g > ${before}; ${scpCommand(args)}; code=$?; stty -g > ${after}; exit $code`, env);
  return { pty, sane: () => readFileSync(after, 'utf8') === readFileSync(before, 'utf8') };
}

async function withResponder(answer: ((request: SeenRequest) => Answer[]) | undefined, run: (args: string[], seen: SeenRequest[]) => Promise<void>) {
  const topics = uniqueTopics();
  const responder = await startResponder(broker.url, topics, answer);
  try {
    await run(['--broker', broker.url, ...topics.args], responder.seen);
  } finally {
    await responder.close();
  }
}

describe('interactive scp set on a terminal', () => {
  it('asks for the profile, re-asks a limit without its unit, shows the request, confirms, sends, prints the answer', async () => {
    const answer = (request: SeenRequest) => [response(request.envelope!.id, { status: 'accepted' }, { name: 'set_charging_profile' })];
    await withResponder(answer, async (args, seen) => {
      const { pty, sane } = session([...args, 'set']);
      await pty.waitFor(/EVSE id \(empty: the whole station\):/);
      pty.type('3' + KEY.enter);
      await pty.waitFor(/Purpose:/);
      pty.type(KEY.enter);
      await pty.waitFor(/Profile id/);
      pty.type('7' + KEY.enter);
      await pty.waitFor(/Limit \(16A, 7400W or 7\.4kW\):/);
      pty.type('11' + KEY.enter);
      await pty.waitFor(/"11" is not allowed; expected a number with its unit/);
      expect(pty.screen()).not.toMatch(/--limit/);
      pty.type('kW' + KEY.enter);
      await pty.waitFor(/Stack level/);
      pty.type(KEY.enter);
      await pty.waitFor(/Send it\? \(Y\/n\)/);
      expect(pty.screen()).toMatch(/scp: about to send set_charging_profile \(id=7 evse_id=3 TxDefaultProfile 11000 W\) on \S+ at mqtt:\/\/\S+\n/);
      expect(pty.screen()).not.toMatch(/"type": "request"/);
      expect(seen).toHaveLength(0);
      pty.type(KEY.enter);
      expect(await pty.exited).toBe(0);
      expect(pty.screen()).toMatch(/accepted/);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.envelope!.data).toMatchObject({ evse_id: '3', charging_profile: { id: 7, charging_schedule: [{ charging_schedule_period: [{ limit: 11000 }] }] } });
      expect(sane()).toBe(true);
    });
  });
});

describe('interactive scp schedule on a terminal', () => {
  const answer = (request: SeenRequest) => [
    response(
      request.envelope!.id,
      {
        status: 'Accepted',
        schedule: {
          evse_id: String(request.envelope!.data.evse_id),
          duration: 3600,
          schedule_start: '2026-12-01T18:00:00Z',
          charging_rate_unit: 'A',
          charging_schedule_period: [{ start_period: 0, limit: 32 }, { start_period: 1800, limit: 16, number_of_phases_available: 3 }],
        },
      },
      { name: 'get_composite_schedule' },
    ),
  ];

  it('asks for the EVSE (re-asking a bad one in the prompt\'s words), keeps --duration, sends without a confirmation, and draws the chart to the terminal\'s width', async () => {
    await withResponder(answer, async (args, seen) => {
      const { pty, sane } = session([...args, 'schedule', '--duration', '1h'], { TZ: 'UTC' });
      await pty.waitFor(/EVSE id \(0: the whole station\):/);
      pty.type('a b' + KEY.enter);
      await pty.waitFor(/"a b" is not allowed/);
      expect(pty.screen()).not.toMatch(/--evse/);
      for (let i = 0; i < 3; i++) pty.type(KEY.backspace);
      pty.type('3' + KEY.enter);
      expect(await pty.exited).toBe(0);
      expect(seen.map((request) => request.envelope!.data)).toEqual([{ evse_id: '3', duration: 3600 }]);
      expect(pty.screen()).not.toMatch(/Send it\?/);
      expect(pty.screen()).toMatch(/^2026-12-01 18:30:00 {2}2026-12-01 19:00:00 {2}16 A {3}3$/m);
      // On a terminal the chart is drawn, in colour, no wider than the terminal.
      expect(pty.screen()).toMatch(/32 A ┤█+/);
      expect(pty.raw()).toMatch(/\u001b\[36m█/);
      expect(sane()).toBe(true);
    });
  });

  it('--no-chart leaves the chart out on a terminal; the chart fits a narrow terminal', async () => {
    await withResponder(answer, async (args) => {
      const { pty } = session([...args, 'schedule', '--evse', '3', '--no-chart']);
      expect(await pty.exited).toBe(0);
      expect(pty.screen()).toMatch(/16 A {3}3/);
      expect(pty.screen()).not.toMatch(/┤/);
    });
    await withResponder(answer, async (args) => {
      const pty = startPty(`stty cols 50; ${scpCommand([...args, 'schedule', '--evse', '3'])}`);
      expect(await pty.exited).toBe(0);
      const chart = pty.screen().split('\n').filter((line) => /[┤│└]/.test(line));
      expect(chart.length).toBe(9);
      for (const line of chart) expect(line.length, line).toBeLessThanOrEqual(50);
    });
  });
});

describe('interactive scp clear on a terminal', () => {
  it('asks what to clear, re-asks an invalid id with the flag\'s message but not its name, confirms, sends, and prints the answer', async () => {
    await withResponder(undefined, async (args, seen) => {
      const { pty, sane } = session([...args, 'clear']);
      await pty.waitFor(/What to clear\?/);
      pty.type(KEY.enter);
      await pty.waitFor(/Charging profile id:/);
      pty.type('1.5' + KEY.enter);
      await pty.waitFor(/"1\.5" is not allowed; expected an integer from 0 to 2147483647/);
      pty.type(KEY.backspace.repeat(3) + '7' + KEY.enter);
      await pty.waitFor(/Send it\? \(Y\/n\)/);
      expect(pty.screen()).toMatch(/about to send clear_charging_profile \(id=7\) on \S+ at mqtt:\/\/\S+\n/);
      expect(seen).toHaveLength(0);
      pty.type(KEY.enter);
      expect(await pty.exited).toBe(0);
      expect(pty.screen().trimEnd()).toMatch(/accepted$/);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.envelope!.data).toEqual({ charging_profile_id: 7 });
      expect(sane()).toBe(true);
    });
  });

  it('--verbose shows the envelope under the one-line summary before the confirmation', async () => {
    await withResponder(undefined, async (args, seen) => {
      const { pty } = session([...args, '--verbose', 'clear']);
      await pty.waitFor(/What to clear\?/);
      pty.type(KEY.enter);
      await pty.waitFor(/Charging profile id:/);
      pty.type('7' + KEY.enter);
      await pty.waitFor(/Send it\? \(Y\/n\)/);
      expect(pty.screen()).toMatch(/about to send clear_charging_profile \(id=7\) on \S+ at mqtt:\/\/\S+\n\s+\{\n\s+"id": "[0-9a-f-]+",\n\s+"name": "clear_charging_profile",\n\s+"type": "request"/);
      pty.type(KEY.ctrlC);
      await pty.exited;
      expect(seen).toHaveLength(0);
    });
  });

  it('builds a criteria request, and sends it on Enter when an EVSE is named', async () => {
    await withResponder(undefined, async (args, seen) => {
      const { pty } = session([...args, 'clear']);
      await pty.waitFor(/What to clear\?/);
      pty.type(KEY.down + KEY.enter);
      await pty.waitFor(/EVSE id/);
      pty.type('GB*SEV*123' + KEY.enter);
      await pty.waitFor(/Purpose:/);
      pty.type(KEY.down.repeat(4) + KEY.enter); // any, ExternalConstraints, MaxProfile, TxDefaultProfile, TxProfile
      await pty.waitFor(/Stack level/);
      pty.type(KEY.enter);
      await pty.waitFor(/Send it\? \(Y\/n\)/);
      pty.type(KEY.enter);
      expect(await pty.exited).toBe(0);
      expect(seen[0]!.envelope!.data).toEqual({ charging_profile_criteria: { evse_id: 'GB*SEV*123', charging_profile_purpose: 'TxProfile' } });
    });
  });

  it('insists on one criterion (K10.FR.02), going back to the first question, warns on ChargingStationExternalConstraints (K10.FR.06), and defaults to No when no EVSE is named', async () => {
    await withResponder(undefined, async (args, seen) => {
      const { pty, sane } = session([...args, 'clear']);
      await pty.waitFor(/What to clear\?/);
      pty.type(KEY.down + KEY.enter);
      await pty.waitFor(/EVSE id/);
      pty.type(KEY.enter);
      await pty.waitFor(/Purpose:/);
      pty.type(KEY.enter); // any purpose
      await pty.waitFor(/Stack level/);
      pty.type(KEY.enter);
      // In the questions' words, and back to the first question (criteria again, or an id instead).
      await pty.waitFor(/nothing narrows this clear: choose an EVSE, a purpose or a stack level \(OCPP 2\.0\.1 K10\.FR\.02/);
      expect(pty.screen()).not.toMatch(/give --id/);
      await sleep(100);
      pty.type(KEY.down + KEY.enter);
      await pty.waitFor(/nothing narrows[\s\S]*EVSE id/);
      pty.type(KEY.enter);
      await pty.waitFor(/nothing narrows[\s\S]*Purpose:/);
      pty.type(KEY.enter); // any purpose
      await pty.waitFor(/nothing narrows[\s\S]*Stack level/);
      pty.type('x' + KEY.enter);
      await pty.waitFor(/"x" is not allowed/);
      pty.type(KEY.backspace + '0' + KEY.enter);
      await pty.waitFor(/every EVSE of the station\. Send it\? \(y\/N\)/);
      pty.type(KEY.enter);
      expect(await pty.exited).toBe(2);
      expect(pty.screen()).toMatch(/scp: cancelled at the confirmation: nothing was sent/);
      await sleep(100);
      expect(seen).toHaveLength(0);
      expect(sane()).toBe(true);

      const second = session([...args, 'clear']);
      await second.pty.waitFor(/What to clear\?/);
      second.pty.type(KEY.down + KEY.enter);
      await second.pty.waitFor(/EVSE id/);
      second.pty.type('E1' + KEY.enter);
      await second.pty.waitFor(/Purpose:/);
      second.pty.type(KEY.down + KEY.enter);
      await second.pty.waitFor(/K10\.FR\.06 forbids clearing ChargingStationExternalConstraints/);
      second.pty.type(KEY.ctrlC);
      expect(await second.pty.exited).toBe(130);
    });
  });

  it('--yes sends without the confirmation', async () => {
    await withResponder(undefined, async (args, seen) => {
      const { pty } = session([...args, 'clear', '--yes']);
      await pty.waitFor(/What to clear\?/);
      pty.type(KEY.enter);
      await pty.waitFor(/Charging profile id:/);
      pty.type('3' + KEY.enter);
      expect(await pty.exited).toBe(0);
      expect(pty.screen()).not.toMatch(/Send it\?/);
      expect(seen[0]!.envelope!.data).toEqual({ charging_profile_id: 3 });
    });
  });

  it('Ctrl-C in a prompt exits 130 with one line, no stack trace, nothing sent, and the terminal as it was', async () => {
    await withResponder(undefined, async (args, seen) => {
      const { pty, sane } = session([...args, 'clear']);
      await pty.waitFor(/What to clear\?/);
      pty.type(KEY.enter);
      await pty.waitFor(/Charging profile id:/);
      pty.type('12' + KEY.ctrlC);
      expect(await pty.exited).toBe(130);
      expect(pty.screen()).toMatch(/scp: interrupted: nothing was sent/);
      expect(pty.screen()).not.toMatch(/\n\s+at /);
      expect(sane()).toBe(true);
      await sleep(100);
      expect(seen).toHaveLength(0);
    });
  });

  it('shows a spinner with the elapsed time and the timeout on stderr while waiting, and Ctrl-C then exits 130', async () => {
    await withResponder(() => [], async (args) => {
      const out = join(dir, 'spinner-stdout');
      // stdout to a file, stderr on the terminal: the spinner must reach only the terminal.
      const pty = startPty(`exec ${scpCommand([...args, 'clear', '--id', '1', '--json', '--timeout', '30'])} > ${out}`);
      await pty.waitFor(/waiting for the answer \d+\.\d s of 30 s/);
      pty.type(KEY.ctrlC);
      expect(await pty.exited).toBe(130);
      expect(pty.screen()).toMatch(/interrupted: the request was published and may still be applied/);
      const stdout = readFileSync(out, 'utf8');
      expect(JSON.parse(stdout)).toMatchObject({ outcome: 'error' });
      expect(stdout).not.toMatch(/waiting|\r/);
    });
  });

  it('never asks with --no-input or CI set, even on a terminal: exit 2 naming the flags that would answer', async () => {
    for (const [args, env, reason] of [
      [['--no-input', 'clear'], {}, '--no-input was given'],
      [['clear'], { CI: 'true' }, 'CI is set'],
    ] as const) {
      const pty = startPty(scpCommand([...args]), env);
      expect(await pty.exited).toBe(2);
      expect(pty.screen()).toContain(
        `scp: nothing to clear: give --id <n>, or any of --evse <evse_id>, --purpose <purpose>, --stack-level <n>, or --input <file> (not asking, since ${reason})`,
      );
      expect(pty.screen()).not.toMatch(/What to clear/);
    }
  });

  it('in a pipe it fails fast with exit 2 and the flags, and publishes nothing', async () => {
    const topics = uniqueTopics();
    const spy = await startSpy(broker.url, topics);
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, 'clear']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'scp: nothing to clear: give --id <n>, or any of --evse <evse_id>, --purpose <purpose>, --stack-level <n>, or --input <file> (not asking, since stdin is not a terminal)\n',
      );
      expect(run.ms).toBeLessThan(5000);
      await sleep(100);
      expect(spy.seen).toHaveLength(0);
    } finally {
      await spy.close();
    }
  });

  it('shows no spinner when stderr is not a terminal', async () => {
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics, (request) => {
      const id = request.envelope!.id;
      setTimeout(() => void responder.client.publish(topics.responseTopic, JSON.stringify(response(id, { status: 'accepted' })), { qos: 1 }), 400);
      return [];
    });
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, 'clear', '--id', '1']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('accepted\n');
    } finally {
      await responder.close();
    }
  });
});

/** The login broker here is aedes refusing with CONNACK 4, as Mosquitto does under MQTT 3.1.1: these runs stay on 3.1.1
 * whatever version the suite runs under. */
const V311 = { SCP_MQTT_VERSION: '3.1.1' };

describe('the password question, the way git asks for credentials', () => {
  let login: Broker;
  beforeAll(async () => {
    login = await startLoginBroker('operator', 'right horse battery');
  });
  afterAll(() => login.close());

  async function withLoginResponder(run: (args: string[]) => Promise<void>) {
    const topics = uniqueTopics();
    const responder = await startResponder(login.url.replace('mqtt://', 'mqtt://operator:right%20horse%20battery@'), topics, undefined, { protocolVersion: 4 });
    try {
      await run(['--broker', login.url, '--username', 'operator', ...topics.args]);
    } finally {
      await responder.close();
    }
  }

  it('asks for the password only after the broker refuses, masked, and retries once', async () => {
    await withLoginResponder(async (args) => {
      const { pty, sane } = session([...args, 'clear', '--id', '1'], V311);
      await pty.waitFor(/refused the connection: Bad username or password/);
      await pty.waitFor(/Password for operator at mqtt:\/\/127\.0\.0\.1:\d+:/);
      pty.type('right horse battery' + KEY.enter);
      expect(await pty.exited).toBe(0);
      expect(pty.screen().trimEnd()).toMatch(/accepted$/);
      expect(pty.raw()).not.toContain('right horse battery');
      expect(sane()).toBe(true);
    });
  });

  it('a second refusal ends with exit 4: one retry, not a loop', async () => {
    await withLoginResponder(async (args) => {
      const { pty } = session([...args, 'clear', '--id', '1'], V311);
      await pty.waitFor(/Password for operator/);
      pty.type('wrong' + KEY.enter);
      expect(await pty.exited).toBe(4);
      expect(pty.screen().match(/refused the connection: Bad username or password/g)).toHaveLength(2);
      expect(pty.screen().match(/✔ Password for operator/g)).toHaveLength(1);
    });
  });

  it('never asks when a password was given, or in a non-interactive run: exit 4 with the broker\'s reason and how to give one', async () => {
    await withLoginResponder(async (args) => {
      const given = startPty(scpCommand([...args, 'clear', '--id', '1']), { ...V311, SCP_PASSWORD: 'wrong' });
      expect(await given.exited).toBe(4);
      expect(given.screen()).not.toMatch(/Password for/);

      const piped = await runScp([...args, 'clear', '--id', '1'], V311);
      expect(piped.code).toBe(4);
      expect(piped.stderr).toMatch(/refused the connection: Bad username or password \(code 4\) \(check --username, and the password given by SCP_PASSWORD or --password-file\)/);
    });
  });
});
