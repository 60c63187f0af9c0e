/**
 * Whether scp may ask the operator anything. Pure, so the rule is tested without a terminal: a script, a pipe or CI
 * must never be stopped by a question it cannot answer.
 */
export interface PromptContext {
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** --no-input */
  noInput: boolean;
  env: NodeJS.ProcessEnv;
}

export type PromptPolicy = { allowed: true } | { allowed: false; reason: string };

/** CI=true, CI=1 and the like; an empty CI, 0 or false is taken at its word. */
function ciIsSet(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

export function promptPolicy({ stdinIsTTY, stdoutIsTTY, noInput, env }: PromptContext): PromptPolicy {
  if (noInput) return { allowed: false, reason: '--no-input was given' };
  if (ciIsSet(env.CI)) return { allowed: false, reason: 'CI is set' };
  if (!stdinIsTTY) return { allowed: false, reason: 'stdin is not a terminal' };
  if (!stdoutIsTTY) return { allowed: false, reason: 'stdout is not a terminal' };
  return { allowed: true };
}
