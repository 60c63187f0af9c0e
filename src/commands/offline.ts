/**
 * `scp schedule --offline`: the answer computed here by the simulator's station (the message's station side), from
 * the station the options describe, never asked of a broker. The record is the online one, `offline: true` in place
 * of the broker, so a script reads both alike. Loaded only with --offline.
 */
import type { ResultRecord } from '../core/outcome.js';
import type { Envelope, MessageKind } from '../messages/kind.js';
import { parseStation } from '../options.js';
import { openStation } from '../simulator/profiles.js';
import { stationAt } from '../simulator/station.js';
import { VERSION } from '../core/version.js';
import { readNamed } from '../connection.js';
import type { Output } from '../output/render.js';

export type Kind = MessageKind<Envelope<'request'>, Envelope<'response'>, unknown>;

/** The station --offline computes with: its settings parsed once, its profiles file read and checked. */
export async function offlineStation(flags: Readonly<Record<string, unknown>>, now: () => Date) {
  const settings = parseStation(flags);
  const path = flags.profiles as string | undefined;
  const file = path === undefined ? undefined : { path, text: (await readNamed('--profiles', path)).toString('utf8') };
  // A fixed --clock is the station's now; else the real one, read when the answer is computed.
  const clock = () => settings.clock ?? now();
  const startedAt = clock();
  const { config, profiles } = openStation(settings, file, startedAt);
  return { profiles, at: () => stationAt(config, profiles, clock(), startedAt), from: path ?? 'the built-in station' };
}

/** One request answered by the station offline: the record, as `runRequest` makes one online. */
export async function answerOffline(kind: Kind, request: Envelope<'request'>, station: Awaited<ReturnType<typeof offlineStation>>, elapsed: () => number, explain = false): Promise<ResultRecord> {
  if (!kind.offline) throw new Error(`--offline: ${kind.command} has no station side to answer it`);
  const side = await kind.offline();
  // --explain: the answer and its explanation come from one calculation.
  const answered = explain && side.explain ? side.explain(station.profiles, request, station.at()) : side.decide(station.profiles, request, station.at, { status: 'ready', softwareVersion: VERSION });
  const { response } = answered;
  // Every message that offers --offline answers every valid request (only service_status may stay silent).
  if (response === undefined) throw new Error(`--offline: the simulated station did not answer ${kind.name}`);
  const explained = 'explain' in answered ? answered.explain : undefined;
  return { request, response, outcome: kind.summarize(response).outcome, elapsed_ms: Math.round(elapsed()), offline: true, ...(explained ? { explain: explained } : {}) };
}

/** Said on stderr, so that a person never takes a computed schedule for one a station gave. */
export function noteOffline(output: Output, from: string): void {
  output.note(`computed offline from ${from}: no station was asked`);
}
