/**
 * --offline (`scp schedule --offline`): the deliver step done here. The answer is the one the simulator's station
 * would give (the message's station side), computed from the station the options describe, and never asked of a
 * broker: no connection setting is read, nothing connects. The record is the online one with `offline: true` in place
 * of the broker (and, with --explain, why the answer is what it is), so a script reads both alike. The station is
 * opened (its file read and checked) before any question is asked.
 */
import { VERSION } from '../../core/version.js';
import { parseStation } from '../../options.js';
import { openStation } from '../../simulator/profiles.js';
import { stationAt } from '../../simulator/station.js';
import { readNamed } from '../../connection/secrets.js';
import type { Envelope, MessageKind } from '../../messages/kind.js';
import type { Run, Step } from '../steps.js';

/** The station the options describe: its settings parsed once, its profiles file read and checked. */
async function offlineStation(options: Run['options'], now: () => Date) {
  const settings = parseStation(options);
  const path = typeof options.profiles === 'string' ? options.profiles : undefined;
  const file = path === undefined ? undefined : { path, text: (await readNamed('--profiles', path)).toString('utf8') };
  // A fixed --clock is the station's now; else the real one, read when the answer is computed.
  const clock = () => settings.clock ?? now();
  const startedAt = clock();
  const { config, profiles } = openStation(settings, file, startedAt);
  return { profiles, at: () => stationAt(config, profiles, clock(), startedAt), from: path ?? 'the built-in station' };
}

export async function open({ kind, options, output }: Run): Promise<Step> {
  if (!kind.offline) throw new Error(`--offline: ${kind.command} has no station side to answer it`);
  const side = await kind.offline();
  const station = await offlineStation(options, () => new Date());
  const explain = options.explain === true && side.explain !== undefined;
  return {
    answers: {
      // Said on stderr, so that a person never takes a computed schedule for one a station gave.
      begin: () => output.note(`computed offline from ${station.from}: no station was asked`),
      refuseLine: (named) =>
        named === undefined ? undefined : 'station: not with --offline, which computes for the one station its options describe; leave "station" out',
      answer: (asked: MessageKind, request: Envelope<'request'>) => {
        if (asked.name !== kind.name) throw new Error(`--offline: the simulated station has no side for ${asked.name}`);
        // --explain: the answer and its explanation come from one calculation.
        const answered = explain ? side.explain!(station.profiles, request, station.at()) : side.decide(station.profiles, request, station.at, { status: 'ready', softwareVersion: VERSION });
        // Every message that offers --offline answers every valid request (only service_status may stay silent).
        if (answered.response === undefined) throw new Error(`--offline: the simulated station did not answer ${kind.name}`);
        const explained = 'explain' in answered ? answered.explain : undefined;
        return { response: answered.response, source: { offline: true, ...(explained ? { explain: explained } : {}) } };
      },
    },
  };
}
