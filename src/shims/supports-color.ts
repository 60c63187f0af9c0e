/**
 * Stands in for chalk's `#supports-color` in the bundle (see src/build/build.mjs). chalk probes the terminal when it
 * is imported, loading node:tty (and with it node:net) on every run that prints; scp decides colour itself
 * (output/render.ts colorLevel: --no-color, NO_COLOR, FORCE_COLOR, TERM, isTTY) and hands chalk the level, so the
 * probe's answer was never used.
 */
export default { stdout: false, stderr: false };
