/**
 * What `--help` shows a new user: every option that applies to the command, in groups, examples, exit codes, and
 * (at the top) that other invocations belong to OpenSSH's scp. Run as a user would: the built bin/scp.
 */
import { describe, expect, it } from 'vitest';
import { runScp } from '../helpers/run.js';

/** The help's option groups, in order, each with the long flags listed under it (headings with no option left out). */
function groupsOf(help: string): Array<[string, string[]]> {
  const groups: Array<[string, string[]]> = [];
  for (const line of help.split('\n')) {
    if (/^[A-Z][A-Za-z ]*:$/.test(line)) groups.push([line, []]);
    const flag = /^ {2}(?:-\w, )?(--[a-z-]+)/.exec(line)?.[1];
    if (flag && groups.length) groups.at(-1)![1].push(flag);
  }
  return groups.filter(([, flags]) => flags.length > 0);
}

const groupOf = (help: string, flag: string) => groupsOf(help).find(([, flags]) => flags.includes(flag))?.[0];

describe('scp clear --help', () => {
  it('lists what to send, the connection, the config file and the output, in that order, with the global options', async () => {
    const { stdout, code } = await runScp(['clear', '--help']);
    expect(code).toBe(0);
    expect(groupsOf(stdout).map(([heading]) => heading)).toEqual(['What to send:', 'Connection:', 'Config file:', 'Output:', 'Options:']);
    expect(groupOf(stdout, '--id')).toBe('What to send:');
    expect(groupOf(stdout, '--input')).toBe('What to send:');
    for (const flag of ['--broker', '--timeout', '--connect-timeout', '--username', '--mqtt-version']) expect(groupOf(stdout, flag), flag).toBe('Connection:');
    expect(groupOf(stdout, '--profile')).toBe('Config file:');
    for (const flag of ['--json', '--verbose', '--no-color', '--unordered']) expect(groupOf(stdout, flag), flag).toBe('Output:');
    expect(stdout).not.toMatch(/--password </);
    expect(stdout).toMatch(/^Examples:\n {2}scp clear --id 1$/m);
    expect(stdout).toMatch(/^Exit codes:$/m);
  });
});

describe('a question\'s help (issue #33)', () => {
  it('scp schedule and scp status speak of no confirmation, which they never ask; set and clear do', async () => {
    for (const command of ['schedule', 'status']) {
      const { stdout } = await runScp([command, '--help']);
      expect(stdout, command).not.toMatch(/confirm/i);
      expect(stdout, command).toMatch(/^ {2}2 {4}bad usage or invalid input: nothing was sent$/m);
    }
    for (const command of ['set', 'clear']) expect((await runScp([command, '--help'])).stdout, command).toMatch(/^ {2}2 {4}bad usage or invalid input, or declined at the confirmation: nothing was sent$/m);
  });

  it('scp schedule --help lists --offline and --explain, and the offline station\'s options under a heading of their own', async () => {
    const { stdout } = await runScp(['schedule', '--help']);
    expect(groupOf(stdout, '--offline')).toBe('What to send:');
    expect(groupOf(stdout, '--explain')).toBe('Output:');
    for (const flag of ['--profiles', '--evses', '--clock', '--transaction', '--supply-voltage', '--default-limit', '--default-phases']) expect(groupOf(stdout, flag), flag).toBe('The offline station:');
  });
});

describe('scp simulate --help', () => {
  it('lists the service options and the connection options, and its exit codes', async () => {
    const { stdout } = await runScp(['simulate', '--help']);
    expect(groupOf(stdout, '--embedded')).toBe('The service:');
    expect(groupOf(stdout, '--drop')).toBe('The service:');
    expect(groupOf(stdout, '--broker')).toBe('Connection:');
    const codes = stdout.slice(stdout.indexOf('Exit codes:'));
    expect(codes).toMatch(/^ {2}0 +stopped by Ctrl-C or SIGTERM/m);
    expect(codes).toMatch(/^ {2}2 +bad options or a bad profiles file/m);
    expect(codes).toMatch(/^ {2}4 +no broker accepts at the start; after a loss, every broker refused the connection for --connect-timeout/m);
  });
});

describe('scp --help', () => {
  it('has examples, says where other invocations go, and lists the exit codes', async () => {
    const { stdout } = await runScp(['--help']);
    expect(stdout).toMatch(/^Examples:\n {2}scp simulate --embedded 0/m);
    expect(stdout).toMatch(/Other invocations are OpenSSH's/);
    expect(stdout).toMatch(/SCP_NO_PASSTHROUGH=1/);
    expect(stdout).toMatch(/^Exit codes:$/m);
    expect(groupOf(stdout, '--broker')).toBe('Connection:');
  });

  it('a config subcommand shows the options that apply to it too', async () => {
    const { stdout } = await runScp(['config', 'show', '--help']);
    expect(groupOf(stdout, '--profile')).toBe('Config file:');
    expect(groupOf(stdout, '--broker')).toBe('Connection:');
  });
});
