import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    // The 3-node cluster run and the other Node versions are CI steps of their own (npm run test:cluster,
    // test/vitest.cluster.config.ts; npm run test:nodes, test/vitest.nodes.config.ts).
    exclude: ['test/cluster/**', 'test/nodes/**', '**/node_modules/**'],
    // End-to-end tests spawn bin/scp and wait on real sockets; timeouts in them are scp's, not the runner's.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
