/** The heap settings of a long `--input` stream. Pure. */

/**
 * V8 flags for a long stream, so that memory does not grow with the input. Without them V8 doubles the young
 * generation up to 16 MiB semi-spaces over a long run, and lets the old generation (where requests still in flight
 * at a scavenge are promoted, to die there) grow up to four times what is live before a full collection: a 100,000
 * line stream peaked at 1.5 times the memory of a 10,000 line one. Both flags are read by V8 whenever it decides
 * to grow (unlike --max-semi-space-size, read only at start), so the running process can set them. Measured
 * (npm run bench:batch and A/B runs): 1.00-1.03 times the 10,000 line run, for ~4% more CPU (more scavenges).
 * Twice what is live (100%) costs no more memory than 25% did here, and fewer full collections. A flag the user gave
 * Node is theirs and is left alone (these two are not allowed in NODE_OPTIONS, --max-semi-space-size is).
 */
const STREAM_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=100'];

export function streamHeapFlags(nodeArgs: readonly string[]): string[] {
  const named = (flag: string) => flag.replace(/^--/, '').split('=')[0]!.replaceAll('_', '-');
  const set = new Set(nodeArgs.map(named));
  // A semi-space size chosen for Node is a choice about the young generation: growth is theirs to decide then.
  return STREAM_HEAP_FLAGS.filter((flag) => !set.has(named(flag)) && !(named(flag) === 'semi-space-growth-factor' && (set.has('max-semi-space-size') || set.has('min-semi-space-size'))));
}
