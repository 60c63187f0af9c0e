/**
 * What bin/scp.js runs first. Our own invocations go to the CLI; anything else (`scp -r dir host:`) goes to
 * OpenSSH's scp, found later in PATH, with the same arguments, stdio, signals and exit status. Kept apart from the
 * CLI so that neither tool pays for the other: this file loads only Node built-ins.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findOtherScp, isOwnInvocation } from './core/passthrough.js';

function executable(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Runs the other scp with our arguments and stdio, forwarding signals; resolves with its exit status. */
async function handOver(program: string, argv: string[]): Promise<number> {
  // Loaded only for a hand-over: our own commands never pay for them.
  const [{ spawn }, { constants: os }] = await Promise.all([import('node:child_process'), import('node:os')]);
  // Listen before spawning: a signal that lands between the two must still reach the child, or we would die and
  // leave it running on the terminal.
  let child: ReturnType<typeof spawn> | undefined;
  let early: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals) => {
    if (child) child.kill(signal);
    else early = signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    child = spawn(program, argv, { stdio: 'inherit' });
    if (early) child.kill(early);
    child.once('error', (err) => {
      process.stderr.write(`scp: cannot run ${program}: ${err.message}\n`);
      resolve(126);
    });
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (signal ? (os.signals[signal] ?? 0) : 0));
    });
  });
}

export async function launch(launcherUrl: string): Promise<void> {
  const argv = process.argv.slice(2);
  const passthrough = !/^(1|true|yes|on)$/i.test(process.env.SCP_NO_PASSTHROUGH ?? '');
  let missingHint: string | undefined;
  if (!isOwnInvocation(argv)) {
    if (passthrough) {
      const launcher = fileURLToPath(launcherUrl);
      const ours = new Set([launcher, realpathSync(launcher), process.argv[1] ? executable(process.argv[1]) ?? '' : '']);
      const other = findOtherScp(process.env.PATH, ours, { executable });
      if (other) {
        process.exitCode = await handOver(other, argv);
        return;
      }
      missingHint = "not an scp command, and OpenSSH's scp (which scp hands other arguments to) was not found in PATH";
    } else {
      missingHint = 'not an scp command (handing over to OpenSSH\'s scp is off: SCP_NO_PASSTHROUGH)';
    }
  }
  const { run } = await import('./cli.js');
  await run({ unknownHint: missingHint });
}
