/**
 * The files a run reads (a password file, certificates, --file, --profiles, --input), through `fs.promises`, not
 * node:fs/promises: the getter loads it on first use, which a run without files never makes. Errors are the system's
 * (their `code` says why); whoever names the file words them. One of the start-up measures kept in transport/.
 */
import { promises as fs } from 'node:fs';

export function readFileBytes(path: string): Promise<Buffer> {
  return fs.readFile(path);
}

/** A file opened for reading as a stream: opened first, so that a missing one fails before anything else is done. */
export async function openFileStream(path: string): Promise<NodeJS.ReadableStream> {
  const handle = await fs.open(path);
  return handle.createReadStream();
}
