/**
 * Stands in for the `worker-timers` package in the bundle. MQTT.js loads it at start for browsers, where timers in
 * background tabs are throttled; under Node it always picks the native timers (get-timer.js), so the package and
 * its worker machinery are dead weight for a one-shot CLI. Aliased by the build (`--alias:worker-timers=...`).
 */
export const setInterval = globalThis.setInterval;
export const clearInterval = globalThis.clearInterval;
export const setTimeout = globalThis.setTimeout;
export const clearTimeout = globalThis.clearTimeout;
