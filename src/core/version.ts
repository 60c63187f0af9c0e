/** scp's version: `--version`, and what `scp simulate` reports as its software version. Kept equal to package.json's
 * by a test (test/e2e/lazy.e2e.test.ts). */
export const VERSION = '0.1.0';
