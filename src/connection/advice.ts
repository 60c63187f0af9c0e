/**
 * Advice: a transport error as an operator reads it. The transport reports facts (a refused login, no MQTT 5, an
 * untrusted certificate, a downgraded QoS); only here are they worded with the flags and settings an operator would
 * change, since the transport knows no flag.
 */
import { ConnectionError, type ConnectionFact } from '../core/errors.js';

/** The advice for each fact a transport error can carry. */
const ADVICE: { [K in ConnectionFact['kind']]: (fact: Extract<ConnectionFact, { kind: K }>) => string } = {
  'login-refused': () => ' (check --username, and the password given by SCP_PASSWORD or --password-file)',
  'mqtt5-unsupported': () => ' (the broker does not seem to support MQTT 5: try --mqtt-version 3.1.1)',
  'tls-untrusted': () => " (pass --ca with the broker's CA certificate; --insecure skips the check)",
  'qos-downgraded': (fact) => `; use --qos ${fact.granted}`,
};

/** The fact, what to change, then what became of the request; the fact is spent, so advice is never given twice. */
export function advised(err: ConnectionError): ConnectionError {
  if (err.fact === undefined) return err;
  const advice = (ADVICE[err.fact.kind] as (fact: ConnectionFact) => string)(err.fact);
  return err.with({ text: `${err.text}${advice}`, fact: undefined });
}

/** Runs transport work, wording any connection error it ends with for the operator. */
export async function advising<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw err instanceof ConnectionError ? advised(err) : err;
  }
}
