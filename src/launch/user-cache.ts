/**
 * A code cache made on the user's machine, for a Node whose V8 is not the one the build's caches were made for (a
 * package built on Node 20 and run on 22 or 24: V8 rejects a cache made by another version, and every run would
 * compile the bundle from source). The first run of a command on that V8 compiles from source and, when it ends
 * normally (exit 0 or 1: the path people run, not a typo's), leaves what it compiled in
 * `$XDG_CACHE_HOME/scp/` (else `~/.cache/scp/`), under the bundle's content id and the V8 version; later runs
 * start from it as the builder's Node starts from the build's.
 *
 * Nothing here may fail a run: an unreadable, missing, truncated or corrupt cache is compiled around, and a cache
 * that cannot be written (a read-only or missing home, a full disk) is not written; no error is said. A file is
 * written beside its final name and renamed into it, so two first runs at once each leave a whole file, and nothing
 * is written outside the cache folder. Each file is checked before V8 sees it (readUserCache): V8 takes a damaged
 * cache of the right length on trust and crashes, or runs what it decodes. SCP_NO_CACHE=1 turns it off.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';

const MAGIC = Buffer.from('scp-v8-cache-2\n');

/** Where the cache `name` of `bundle` lives for this V8, or undefined: turned off, or no folder for caches. */
export function userCacheFile(bundle: string, bundleId: string, name: string, env: NodeJS.ProcessEnv, v8 = process.versions.v8): string | undefined {
  if (/^(1|true|yes|on)$/i.test(env.SCP_NO_CACHE ?? '')) return undefined;
  const home = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  if (!home) return undefined;
  return join(home, 'scp', `${basename(bundle, '.cjs')}-${bundleId}`, `v8-${v8}-${process.arch}`, `${name}.cache`);
}

/**
 * The cache in the file, if the file is whole and ours; undefined for anything else, silently. The cache is written
 * twice, one copy after the other, and taken only when the copies agree: a byte-for-byte comparison is native and
 * costs next to nothing, where a digest would load node:crypto, and with it Node's streams, on every run.
 */
export function readUserCache(path: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  const size = (file.length - MAGIC.length) / 2;
  if (!Number.isInteger(size) || size <= 0 || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(MAGIC.length, MAGIC.length + size);
  return data.equals(file.subarray(MAGIC.length + size)) ? data : undefined;
}

/** Writes the cache beside `path`, then renames it into place; any failure leaves nothing behind and says nothing. */
export function writeUserCache(path: string, data: Buffer): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  let fd: number | undefined;
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    fd = openSync(temporary, 'wx', 0o600);
    for (const part of [MAGIC, data, data]) {
      for (let at = 0; at < part.length; ) at += writeSync(fd, part, at);
    }
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch {
    try {
      if (fd !== undefined) closeSync(fd);
      unlinkSync(temporary);
    } catch {
      // nothing was made, or it cannot be removed either: the next run tries again
    }
  }
}
