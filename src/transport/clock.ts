/**
 * Milliseconds for a single request's elapsed time, from process.hrtime: the global `performance` loads perf_hooks
 * on first use, a cost for every run that reads it. A stream (which loads more than that anyway) and the failover
 * loops use performance.now. One of the start-up measures kept in transport/, so that the request path reads plainly.
 */
export const elapsedMs = (): number => Number(process.hrtime.bigint()) / 1e6;
