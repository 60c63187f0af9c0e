/**
 * The files a run reads (a password file, certificates, --file, --profiles, --input), through `fs.promises`, not
 * node:fs/promises: the getter loads it on first use, which a run without files never makes. Errors are the system's
 * (their `code` says why); whoever names the file words them. One of the start-up measures kept in transport/.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

export function readFileBytes(path: string): Promise<Buffer> {
  return fs.readFile(path);
}

/** A file opened for reading as a stream: opened first, so that a missing one fails before anything else is done. */
export async function openFileStream(path: string): Promise<NodeJS.ReadableStream> {
  const handle = await fs.open(path);
  // A folder opens like a file and fails only when read, long after the caller could say so.
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR' });
  }
  return handle.createReadStream();
}

/** One line of a file: its text, where it starts and how many bytes it has (its newline left out), and whether it
 * ends with a newline (only the last line may not). */
export interface FileLine {
  text: string;
  offset: number;
  length: number;
  whole: boolean;
}

/** The lines of a file, in order, with where each is: for a file whose lines are read again, each at its place. */
export async function* fileLines(path: string): AsyncGenerator<FileLine> {
  let offset = 0;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of (await fs.open(path)).createReadStream() as AsyncIterable<Buffer>) {
    let data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    for (let end = data.indexOf(10); end !== -1; end = data.indexOf(10)) {
      yield { text: data.subarray(0, end).toString('utf8'), offset, length: end, whole: true };
      offset += end + 1;
      data = data.subarray(end + 1);
    }
    rest = Buffer.from(data);
  }
  if (rest.length > 0) yield { text: rest.toString('utf8'), offset, length: rest.length, whole: false };
}

/** A file written whole or not at all (beside its name, then renamed into it): a reader never sees half a picture. */
export async function writeWholeFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await fs.writeFile(temporary, text, { mode: 0o644 });
    await fs.rename(temporary, path);
  } catch (err) {
    await fs.rm(temporary, { force: true });
    throw err;
  }
}

/**
 * Whether a file can be written at `path` (its folder exists and is writable, and the path is no folder), asked
 * before anything is sent: a picture that cannot be written is bad usage, not a surprise after the answers. The
 * system's error when not.
 */
export async function checkWritable(path: string): Promise<void> {
  const stat = await fs.stat(path).catch(() => undefined);
  if (stat?.isDirectory()) throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR' });
  await fs.access(stat ? path : dirname(path), 2 /* W_OK */);
}
