/**
 * Dispatch in the stand-in Smart Charging service: which registry entry a message on its request topic is (each entry
 * decides what its request does: messages/), and a decision applied to a station's profiles. Pure: the caller owns
 * the profile set and the clock. The profiles a station starts with are profiles.ts's.
 */
import type { HeldProfile } from '../core/profile.js';
import type { ServiceLogEntry } from '../output/records.js';
import type { Envelope, ServedMessage } from '../messages/kind.js';

export type { ServiceLogEntry };

/** What the service does with one message on its request topic: which registry entry it is, if any. */
export type Handling =
  | { kind: 'ignore'; reason: string }
  | { kind: 'serve'; message: ServedMessage; request: Envelope<'request'> }
  | { kind: 'refuse'; message: ServedMessage; requestId: string; response: Envelope<'response'> | undefined; problems: string[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function handleRequest(payload: Uint8Array, messages: readonly ServedMessage[]): Handling {
  let envelope: unknown;
  try {
    envelope = JSON.parse(utf8.decode(payload));
  } catch {
    return { kind: 'ignore', reason: 'not UTF-8 JSON' };
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    return { kind: 'ignore', reason: 'not a JSON object' };
  }
  const fields = envelope as Record<string, unknown>;
  const message = messages.find((m) => m.name === fields.name);
  if (message === undefined || fields.type !== 'request') {
    const names = messages.map((m) => m.name).join(', ').replace(/, ([^,]*)$/, ' or $1');
    return { kind: 'ignore', reason: `not a ${names} request (name ${JSON.stringify(fields.name)}, type ${JSON.stringify(fields.type)})` };
  }
  const checked = message.checkRequestOnWire(envelope);
  if (checked.ok) return { kind: 'serve', message, request: checked.value };
  // A malformed request is answered, not dropped, so its sender is not left waiting; that needs an id to answer to.
  if (typeof fields.id !== 'string' || fields.id === '') {
    return { kind: 'ignore', reason: `invalid request with no id to answer to: ${checked.problems.join('; ')}` };
  }
  return { kind: 'refuse', message, requestId: fields.id, problems: checked.problems, response: message.refuse(fields.id, checked.problems) };
}


/**
 * A decision applied to a station's profiles, in place: what it removed taken out, what it installed added. A
 * profile it names that the station does not hold is left alone: `splice(indexOf(...))` would have removed the last
 * profile for it (indexOf's -1).
 */
export function applyChanges(profiles: HeldProfile[], removed: readonly HeldProfile[], added: readonly HeldProfile[]): void {
  for (const profile of removed) {
    const at = profiles.indexOf(profile);
    if (at !== -1) profiles.splice(at, 1);
  }
  profiles.push(...added);
}
