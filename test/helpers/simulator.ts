/** Runs `scp simulate` as a real child process and waits until it serves. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { finished, spawnScp, type RunResult } from './run.js';

export interface Simulator {
  /** The broker it serves on: its embedded one, or the one it was given. */
  url: string;
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Sends the signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<RunResult>;
}

/** `spawnIt` starts the simulator: the repository's bin/scp unless a test runs an installed copy. */
export async function startSimulator(
  args: string[],
  env: Record<string, string> = {},
  spawnIt: (args: string[], env: Record<string, string>) => ChildProcessWithoutNullStreams = spawnScp,
): Promise<Simulator> {
  const child = spawnIt(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const done = finished(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator not ready in 10 s:\n${stderr}`)), 10_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/serving /.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void done.then((result) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${result.code}: ${result.stderr}`));
    });
  });
  const embedded = /listening on (mqtt:\/\/\S+)/.exec(stderr)?.[1];
  const brokerFlag = args.indexOf('--broker');
  return {
    url: embedded ?? args[brokerFlag + 1]!,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return done;
    },
  };
}
