/**
 * The fault matrix as the README shows it. `matrix.test.ts` runs one scenario per row against each broker and
 * checks the exit code and message given here; `readme.test.ts` checks that the README's table is this one.
 */
export interface Fault {
  id: string;
  fault: string;
  /** What the user sees, as the README says it. */
  sees: string;
  /** The part of the message a test insists on (stderr, or stdout for answers). */
  message: RegExp;
  exit: number;
  /** Where scp's --json record must carry no invented answer: response null. */
  outcome: 'accepted' | 'unknown' | 'timeout' | 'invalid_response' | 'error';
  /** Stream rows (`--input`): how many input lines, each of which must get exactly one record. */
  lines?: number;
}

export const FAULTS: Fault[] = [
  {
    id: 'not-listening',
    fault: 'no broker listening at the address',
    sees: '`cannot connect to <url>: connection refused (is a broker listening there?)`',
    message: /cannot connect to mqtt:\/\/127\.0\.0\.1:\d+\/?: connection refused \(is a broker listening there\?\)/,
    exit: 4,
    outcome: 'error',
  },
  {
    id: 'no-connack',
    fault: 'broker accepts TCP but never sends CONNACK',
    sees: "`cannot connect to <url>: no answer from the broker within <n> s: the other end took the connection but said nothing (is this the broker's MQTT port? ...)`, after `--connect-timeout`",
    message: /cannot connect to \S+: no answer from the broker within 0\.5 s: the other end took the connection but said nothing \(is this the broker's MQTT port\?/,
    exit: 4,
    outcome: 'error',
  },
  {
    id: 'wrong-credentials',
    fault: 'wrong user name or password',
    sees: "`the broker at <url> refused the connection: <broker's reason> (code <n>) (check --username, and the password given by SCP_PASSWORD or --password-file)`",
    message: /refused the connection: (Bad username or password|Not authorized) \(code \d+\) \(check --username/,
    exit: 4,
    outcome: 'error',
  },
  {
    id: 'broker-restart',
    fault: 'broker restarted between publish and response',
    sees: '`lost the connection to <url>: the request was published and may still be applied`',
    message: /lost the connection to \S+: the request was published and may still be applied/,
    exit: 4,
    outcome: 'error',
  },
  {
    id: 'cut-mid-wait',
    fault: 'connection cut while waiting for the answer',
    sees: '`lost the connection to <url>: the request was published and may still be applied`',
    message: /lost the connection to \S+: the request was published and may still be applied/,
    exit: 4,
    outcome: 'error',
  },
  {
    id: 'cut-mid-stream',
    fault: 'connection cut in the middle of a stream (`--input`)',
    sees: 'one record per line; those in flight: `timeout`, "lost the connection to <url>: the request was published and may still be applied"; then a reconnect and the rest answered, nothing resent',
    message: /"outcome":"timeout","error":"lost the connection to \S+: (the request was published and may still be applied|the broker did not confirm the request)/,
    exit: 3,
    outcome: 'timeout',
    lines: 40,
  },
  {
    id: 'never-answered',
    fault: 'no response is ever sent',
    sees: '`no answer within <n> s on <topic> at <url>: nothing came on that topic (the request was published and may still be applied); is a Smart Charging service connected to this broker? Check --broker, ...`',
    message: /no answer within 0\.5 s on \S+ at \S+: nothing came on that topic \(the request was published and may still be applied\); is a Smart Charging service connected to this broker\?/,
    exit: 3,
    outcome: 'timeout',
  },
  {
    id: 'answered-twice',
    fault: 'response sent twice',
    sees: 'the first answer, once',
    message: /^\{.*"outcome":"accepted"/,
    exit: 0,
    outcome: 'accepted',
  },
  {
    id: 'instant-answer',
    fault: 'response sent the instant the request lands',
    sees: 'the answer: scp has its SUBACK before it publishes',
    message: /^\{.*"outcome":"accepted"/,
    exit: 0,
    outcome: 'accepted',
  },
  {
    id: 'wrong-name',
    fault: 'matching id, wrong `name`',
    sees: 'ignored (listed with `--verbose`), then the timeout',
    message: /ignored .*name "set_charging_profile" is not clear_charging_profile[\s\S]*no answer within/,
    exit: 3,
    outcome: 'timeout',
  },
  {
    id: 'wrong-type',
    fault: 'matching id, `type` other than `response`',
    sees: 'ignored (listed with `--verbose`), then the timeout',
    message: /ignored .*type "request" is not response[\s\S]*no answer within/,
    exit: 3,
    outcome: 'timeout',
  },
  {
    id: 'bad-enum',
    fault: 'matching id, `status` outside the enum',
    sees: '`invalid response: /data/status: "Accepted" must be one of accepted, unknown`',
    message: /invalid response: \/data\/status: "Accepted" must be one of accepted, unknown/,
    exit: 5,
    outcome: 'invalid_response',
  },
  {
    id: 'extra-field',
    fault: 'matching id, a field the schema does not have',
    sees: '`invalid response: /data: unexpected field "priority"`',
    message: /invalid response: \/data: unexpected field "priority"/,
    exit: 5,
    outcome: 'invalid_response',
  },
  {
    id: 'missing-status',
    fault: 'matching id, no `status`',
    sees: '`invalid response: /data: missing field "status"`',
    message: /invalid response: \/data: missing field "status"/,
    exit: 5,
    outcome: 'invalid_response',
  },
  {
    id: 'wrong-types',
    fault: 'matching id, fields of the wrong type',
    sees: '`invalid response: /data/status_info/reason_code: must be string; …`',
    message: /invalid response: .*\/data\/status_info\/reason_code: must be string/,
    exit: 5,
    outcome: 'invalid_response',
  },
  {
    id: 'deeply-nested',
    fault: 'matching id, a value nested 100,000 deep',
    sees: '`invalid response: /data/status_info/reason_code: must be string` (the --json record leaves the answer out)',
    message: /invalid response: \/data\/status_info\/reason_code: must be string/,
    exit: 5,
    outcome: 'invalid_response',
  },
  {
    id: 'huge',
    fault: 'matching id, a 5 MB answer with 100,000 unknown fields',
    sees: '`invalid response: <first five problems>; and <n> more problems`, one line',
    message: /invalid response: (\/data: unexpected field "f\d+"; ){5}and 99995 more problems/,
    exit: 5,
    outcome: 'invalid_response',
  },
  {
    id: 'non-utf8',
    fault: 'payload that is not UTF-8',
    sees: 'ignored (listed with `--verbose`), then the timeout',
    message: /ignored .*payload is not UTF-8[\s\S]*no answer within/,
    exit: 3,
    outcome: 'timeout',
  },
  {
    id: 'non-json',
    fault: 'payload that is not JSON',
    sees: 'ignored (listed with `--verbose`), then the timeout',
    message: /ignored .*payload is not JSON[\s\S]*no answer within/,
    exit: 3,
    outcome: 'timeout',
  },
  {
    id: 'flood',
    fault: '10,000 unrelated messages on the response topic while waiting',
    sees: 'its own answer, found among them',
    message: /^\{.*"outcome":"unknown"/,
    exit: 1,
    outcome: 'unknown',
  },
  {
    id: 'retained',
    fault: 'a retained answer already on the response topic',
    sees: 'ignored (it predates the request), then the timeout',
    message: /ignored .*retained message[\s\S]*no answer within/,
    exit: 3,
    outcome: 'timeout',
  },
];

/** The README's rendering of the matrix. */
export function faultTable(): string {
  const rows = FAULTS.map((f) => `| ${f.fault} | ${f.sees} | ${f.exit} |`);
  return ['| fault | what the user sees | exit |', '| --- | --- | ---: |', ...rows].join('\n');
}
