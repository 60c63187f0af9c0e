/** Runs the built bin/scp exactly as a user's shell would: a child process with its own env and pipes. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SCP_BIN = fileURLToPath(new URL('../../bin/scp.js', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The parent's environment less anything that would change scp's behaviour behind a test's back. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // CI: scp never asks a question when it is set; tests that want that say so.
    if (key.startsWith('SCP_') || ['FORCE_COLOR', 'NO_COLOR', 'CI', 'XDG_CONFIG_HOME'].includes(key) || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  // A developer's own ~/.config/scp/config.json (a default_profile) must not steer the tests.
  env.XDG_CONFIG_HOME = '/nonexistent/scp-tests-have-no-config';
  // The suite under MQTT 5 (SCP_TEST_MQTT_VERSION=5): every scp the tests start speaks it unless a test says otherwise.
  if (process.env.SCP_TEST_MQTT_VERSION) env.SCP_MQTT_VERSION = process.env.SCP_TEST_MQTT_VERSION;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function spawnScp(args: string[], env: Record<string, string | undefined> = {}, cwd?: string): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [SCP_BIN, ...args], { env: cleanEnv(env), ...(cwd === undefined ? {} : { cwd }) });
}

export function finished(child: ChildProcessWithoutNullStreams): Promise<RunResult> {
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started }));
  });
}

/** Runs scp to the end; `stdin`, when given, is written to it and closed; `cwd`: where it runs (default: ours). */
export function runScp(args: string[], env: Record<string, string | undefined> = {}, stdin?: string, cwd?: string): Promise<RunResult> {
  const child = spawnScp(args, env, cwd);
  const done = finished(child);
  if (stdin !== undefined) child.stdin.end(stdin);
  return done;
}

/** Resolves once `child` has written text matching `pattern` to stderr. */
export function stderrMatches(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        child.stderr.off('data', onData);
        resolve();
      }
    };
    child.stderr.on('data', onData);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
