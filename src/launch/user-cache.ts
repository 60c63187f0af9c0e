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
 * is written outside the cache folder. Each file carries a SHA-1 of its cache, checked before V8 sees it: V8 takes a
 * damaged cache of the right length on trust and crashes. SCP_NO_CACHE=1 turns it off.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hash } from 'node:crypto';
import { basename, join } from 'node:path';

const MAGIC = Buffer.from('scp-v8-cache\n');
const DIGEST = 20;

/** Where the cache `name` of `bundle` lives for this V8, or undefined: turned off, or no folder for caches. */
export function userCacheFile(bundle: string, bundleId: string, name: string, env: NodeJS.ProcessEnv, v8 = process.versions.v8): string | undefined {
  if (/^(1|true|yes|on)$/i.test(env.SCP_NO_CACHE ?? '')) return undefined;
  const home = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  if (!home) return undefined;
  return join(home, 'scp', `${basename(bundle, '.cjs')}-${bundleId}`, `v8-${v8}-${process.arch}`, `${name}.cache`);
}

/** The cache in the file, if the file is whole and ours; undefined for anything else, silently. */
export function readUserCache(path: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  const start = MAGIC.length + DIGEST;
  if (file.length <= start || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(start);
  return hash('sha1', data, 'buffer').equals(file.subarray(MAGIC.length, start)) ? data : undefined;
}

/** Writes the cache beside `path`, then renames it into place; any failure leaves nothing behind and says nothing. */
export function writeUserCache(path: string, data: Buffer): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  let fd: number | undefined;
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    fd = openSync(temporary, 'wx', 0o600);
    for (const part of [MAGIC, hash('sha1', data, 'buffer'), data]) {
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
