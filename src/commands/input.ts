/**
 * A stream's input (`--input <file|->`) and what a stream command is given: shared by the stream over MQTT
 * (stream.ts) and the one answered offline (offline-stream.ts).
 */
import { promises as fs } from 'node:fs';
import { unreadable, type CommandContext } from '../connection.js';

export interface StreamFlags {
  input: string;
  concurrency: string;
  unordered: boolean;
}

export interface StreamContext extends CommandContext {
  stdin: NodeJS.ReadableStream;
}

/** The input: stdin for `-`, else the file, opened first so that a missing one is bad usage before anything connects. */
export async function openInput(path: string, stdin: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
  if (path === '-') return stdin;
  const handle = await fs.open(path).catch((err: unknown) => {
    throw unreadable('--input', path, err);
  });
  return handle.createReadStream();
}
