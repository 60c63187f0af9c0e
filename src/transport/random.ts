/**
 * Random request and client ids without loading node:crypto, which costs a single `scp clear` ~2.5 ms of start-up
 * (its module pulls in ciphers, keys and X.509 code that an id does not need). The bytes come from the kernel's
 * CSPRNG, /dev/urandom, read once into a small pool; where it cannot be read (not Linux or macOS, a sandbox), from
 * node:crypto as before. A stream, which makes thousands of ids and loads MQTT.js's sessions anyway, uses
 * crypto.randomUUID directly. One of the start-up measures kept in transport/ (with clock.ts and files.ts), so that
 * the request path reads plainly.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

const POOL_SIZE = 256;
let pool: Buffer = Buffer.alloc(0);
let used = 0;

function fill(): Buffer {
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      const bytes = Buffer.alloc(POOL_SIZE);
      let read = 0;
      while (read < POOL_SIZE) read += readSync(fd, bytes, read, POOL_SIZE - read, null);
      return bytes;
    } finally {
      closeSync(fd);
    }
  } catch {
    // The bundle is CommonJS (src/build/build.mjs): __filename is the bundle's own path.
    const crypto = createRequire(__filename)('node:crypto') as typeof import('node:crypto');
    return crypto.randomBytes(POOL_SIZE);
  }
}

export function randomBytes(size: number): Buffer {
  if (size > POOL_SIZE) throw new RangeError(`randomBytes: at most ${POOL_SIZE} bytes at a time`);
  if (used + size > pool.length) {
    pool = fill();
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + size));
  // What was handed out is wiped from the pool: no id can be read back from it later.
  pool.fill(0, used, used + size);
  used += size;
  return bytes;
}

/** An RFC 9562 version 4 UUID, as crypto.randomUUID makes. */
export function randomUUID(): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
