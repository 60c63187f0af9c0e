/**
 * A message's command (`scp clear`, `scp set`, `scp schedule`, `scp status`): one request from its options or
 * questions (pipeline/one.ts), or a stream (pipeline/many.ts): with --input one per line, or one per line the message
 * makes of its own options (schedule's repeated --evse, --sum); each runner is loaded only when it runs.
 */
import type { Ending } from '../core/errors.js';
import type { CommandOptions, MessageKind } from '../messages/kind.js';
import type { ConnectionFlags } from '../connection/settings.js';
import type { RequestContext } from '../pipeline/context.js';

/** A message command's options as commander holds them: the message's rows, and those every message command has. */
export type MessageOptions = CommandOptions & { dryRun: boolean; yes?: boolean; input?: string; concurrency: string; unordered: boolean };

export async function runMessage(kind: MessageKind, options: MessageOptions, flags: ConnectionFlags, ctx: RequestContext): Promise<Ending> {
  // Several requests from the options themselves (schedule's repeated --evse) are a stream, as --input's lines are.
  const given = kind.linesOf?.(options);
  if (options.input !== undefined || given !== undefined) {
    const { runMany } = await import('../pipeline/many.js');
    return runMany(kind, options, flags, ctx, given);
  }
  const { runOne } = await import('../pipeline/one.js');
  return runOne(kind, options, flags, ctx);
}
