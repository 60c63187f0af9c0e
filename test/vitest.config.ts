import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    // The 3-node cluster run is a CI step of its own (npm run test:cluster, test/vitest.cluster.config.ts).
    exclude: ['test/cluster/**', '**/node_modules/**'],
    // End-to-end tests spawn bin/scp and wait on real sockets; timeouts in them are scp's, not the runner's.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
