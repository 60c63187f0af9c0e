import { randomUUID } from 'node:crypto';
import { ScpError, InvalidResponseError, TimeoutError } from '../errors.js';
import { buildClearRequest, requestWarnings, type ClearSelectorInput } from '../core/request.js';
import { classifyResponse, type Classified } from '../core/response.js';
import { statusOutcome, type ClearRecord, type Outcome } from '../core/outcome.js';
import { redactUrl } from '../core/settings.js';
import { checkConnectionFlags, resolveConnection, type CommandContext, type ConnectionFlags } from './connection.js';

export interface ClearFlags extends ClearSelectorInput {
  dryRun: boolean;
}

export interface Context extends CommandContext {
  now?: () => number;
  newId?: () => string;
}

export interface ClearResult {
  record?: ClearRecord;
  error?: ScpError;
}

/** scp clear: flags -> validated request -> (unless --dry-run) one exchange over MQTT -> one record. */
export async function runClear(flags: ClearFlags, connectionFlags: ConnectionFlags, ctx: Context): Promise<ClearResult> {
  const { output } = ctx;
  const now = ctx.now ?? performance.now.bind(performance);
  const request = buildClearRequest(flags, ctx.newId ?? randomUUID);
  checkConnectionFlags(connectionFlags);
  for (const warning of requestWarnings(request)) output.warn(warning);
  if (flags.dryRun) {
    output.request(request);
    return {};
  }

  const connection = await resolveConnection(connectionFlags, ctx.env, (message) => output.warn(message));
  if (connection.connect.insecure) output.warn('--insecure: the broker\'s TLS certificate is not checked');
  output.debug(
    `broker ${redactUrl(connection.connect.url)}, user ${connection.connect.username ?? '(none)'}, password ${connection.connect.password === undefined ? '(none)' : '(set)'}`,
  );

  // Lazy: --help, --version, --dry-run and bad input never pay for loading MQTT.js.
  const { exchange } = await import('../transport/mqtt.js');
  const started = now();
  const record = (outcome: Outcome, response: ClearRecord['response'], error?: ScpError): ClearResult => ({
    record: {
      request,
      response,
      outcome,
      ...(error ? { error: error.message } : {}),
      elapsed_ms: Math.round(now() - started),
    },
    error,
  });

  let decided: Exclude<Classified, { kind: 'foreign' }>;
  try {
    decided = await exchange(connection.connect, {
      requestTopic: connection.requestTopic,
      responseTopic: connection.responseTopic,
      payload: JSON.stringify(request),
      timeoutMs: connection.timeoutMs,
      qos: connection.qos,
      signal: ctx.signal,
      log: (line) => output.debug(line),
      match: ({ topic, payload, retained }) => {
        const classified = classifyResponse(payload, request.id, { retained });
        const shown = payload.toString('utf8');
        if (classified.kind === 'foreign') {
          output.debug(`ignored message on ${topic} (${classified.reason}): ${shown}`);
          return undefined;
        }
        output.debug(`received on ${topic}: ${shown}`);
        return classified;
      },
    });
  } catch (err) {
    if (!(err instanceof ScpError)) throw err;
    return record(err instanceof TimeoutError ? 'timeout' : 'error', null, err);
  }

  if (decided.kind === 'invalid') {
    const error = new InvalidResponseError(`invalid response: ${decided.problems.join('; ')}`);
    return record('invalid_response', decided.envelope, error);
  }
  return record(statusOutcome(decided.response), decided.response);
}
