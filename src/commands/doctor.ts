/**
 * `scp doctor`: is everything right before a station is changed? The broker, the service, a round trip and the
 * station's clock, checked over one connection (pipeline/doctor.ts), for one station or each of a fleet's (--input).
 */
import type { Ending } from '../core/errors.js';
import type { DoctorOptions } from '../options.js';
import type { ConnectionFlags } from '../connection/settings.js';
import type { RequestContext } from '../pipeline/context.js';

export async function runDoctorCommand(options: DoctorOptions, flags: ConnectionFlags, ctx: RequestContext): Promise<Ending> {
  const { runDoctor } = await import('../pipeline/doctor.js');
  return runDoctor(options, flags, ctx);
}
