import { appendFileSync } from 'node:fs';

let file;
export function initialize(data) {
  file = data.file;
}
/** Records each module as resolved (file:///…/dist/chunks/mqtt-HASH.js, node:net), one per line. */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (file) appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
