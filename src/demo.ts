/**
 * `npm run demo`: a real round trip on a bare machine. Starts `scp simulate --embedded 0` (a broker and the
 * service, on a free port), runs `scp clear --id 1` against it twice (accepted, then unknown: the profile is gone),
 * and stops the simulator. Every step is the real bin/scp as a child process, printed as the user would type it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/scp.js', import.meta.url));

function show(command: string): void {
  process.stdout.write(`\n$ ${command}\n`);
}

async function startSimulator(): Promise<{ url: string; stop(): Promise<number | null> }> {
  show('scp simulate --embedded 0 &');
  const child = spawn(process.execPath, [bin, 'simulate', '--embedded', '0'], { stdio: ['ignore', 'inherit', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the simulator did not start within 10 s')), 10_000);
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      seen += chunk.toString();
      const match = /listening on (mqtt:\/\/\S+)/.exec(seen);
      if (match && /serving clear_charging_profile/.test(seen)) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`the simulator exited (${code}) before it was ready`)));
  });
  return {
    url,
    stop: async () => {
      show('kill %1');
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function clear(url: string): Promise<number | null> {
  show(`scp --broker ${url} clear --id 1`);
  const child = spawn(process.execPath, [bin, '--broker', url, 'clear', '--id', '1'], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const simulator = await startSimulator();
let first: number | null = null;
let second: number | null = null;
try {
  first = await clear(simulator.url);
  second = await clear(simulator.url);
} finally {
  await simulator.stop();
}
const ok = first === 0 && second === 1;
process.stdout.write(
  ok
    ? '\nThe first clear removed profile 1 (exit 0, accepted); the second found nothing left to clear (exit 1, unknown).\n'
    : `\nUnexpected exit codes: ${first} and ${second} (expected 0, then 1).\n`,
);
process.exitCode = ok ? 0 : 1;
