import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn bin/scp and wait on real sockets; timeouts in them are scp's, not the runner's.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
