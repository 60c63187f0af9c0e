import { defineConfig } from 'vitest/config';

/** `npm run test:cluster`: the fleet against a 3-node NATS cluster the tests start on loopback (minutes, not seconds). */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    // One cluster at a time on a 2-core machine.
    fileParallelism: false,
  },
});
