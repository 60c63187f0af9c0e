import { defineConfig } from 'vitest/config';

/** `npm run test:nodes`: the built package on the other Node versions (SCP_TEST_NODES; test/nodes/install.mjs). */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/nodes/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One Node at a time: the cache tests time nothing, but the simulator runs beside them on a 2-core machine.
    fileParallelism: false,
  },
});
