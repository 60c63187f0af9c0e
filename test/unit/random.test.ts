import { describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from '../../src/transport/random.js';

describe('random ids without node:crypto', () => {
  it('makes RFC 9562 version 4 UUIDs, all different', () => {
    const ids = Array.from({ length: 2000 }, randomUUID);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('hands out fresh bytes across pool refills, and refuses more than a pool at once', () => {
    const chunks = Array.from({ length: 100 }, () => randomBytes(8).toString('hex'));
    expect(new Set(chunks).size).toBe(100);
    expect(randomBytes(0)).toHaveLength(0);
    expect(() => randomBytes(257)).toThrow(RangeError);
  });
});
