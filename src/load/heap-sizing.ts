/**
 * Node flags that keep a long load run's memory flat. Over a long run the engine's live heap stays
 * at ~11 MiB (measured after full collections, flat from 10 s to the end), but V8 keeps reserving
 * more: the young generation grows from 1 to 16 MiB semi-spaces as objects survive scavenges, and
 * with the default old-space limit (a quarter of RAM) old space may grow to about four times the
 * live data before a full collection, so RSS rose 19-27% from 10 s to 2 minutes at 3,000/s. With
 * these flags it rose 4.3% (bench/memory, 2 sticky replicas):
 * - `--max-semi-space-size=4`: the young generation stops at 4 MiB semi-spaces, a size reached
 *   in the first seconds (each flag alone was not enough: RSS still rose 12-19%);
 * - `--max-old-space-size=512`: below V8's 2 GiB threshold, old space grows by a factor of about
 *   1.4 of the live data between full collections instead of up to 4 (more frequent, small
 *   incremental collections of ~11 MiB of live data), while 512 MiB stays far above what a run
 *   holds (sessions, histograms, one timeline entry per second).
 * They must be given when Node starts (V8 sizes its heap then; set later they do nothing):
 * `node --max-semi-space-size=4 --max-old-space-size=512 …`, or in NODE_OPTIONS.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=512'];

/** Whether this process was started with both heap flags (in its arguments or NODE_OPTIONS). */
export function hasEngineHeapFlags(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return ENGINE_NODE_FLAGS.every((flag) => given.some((g) => g.split('=')[0] === flag.split('=')[0]));
}
