/**
 * The largest values statebench accepts in a scenario file and on the command line, each with
 * the reason it is where it is. Everything beyond is refused before anything starts (exit 2,
 * naming the field and the limit): a value the generator, the timers or the machine cannot
 * hold would otherwise be found out halfway through a run, or never (a run that hangs).
 * docs/commands.md "Limits" lists them for users.
 */
export const LIMITS = {
  /**
   * Longest duration, interval, timeout or pause: a day. Node timers hold at most 2³¹−1 ms
   * (24.8 days; a longer one fires after 1 ms), and a day is beyond any experiment while
   * warm-up + duration + grace still add up to far less than what timers hold.
   */
  durationMs: 24 * 3_600_000,
  /** Store latency and jitter: a minute, already 30 times the default request timeout. */
  storeLatencyMs: 60_000,
  /**
   * Session time to live: 30 days. Memcached reads an expiry above 30 days as a Unix time
   * (an instant in 1970: already expired), so a longer TTL would mean something else there.
   */
  sessionTtlS: 30 * 24 * 3600,
  /**
   * Arrival rate (`rate`, `rampTo`): 100,000/s. The generator counts every due request, sent,
   * queued or dropped, on its one thread; 10,000,000/s outran that counting (the loop fell
   * further behind at every turn and never let a signal in), while 100,000/s is still tens of
   * times what two cores can send (measured here: docs/commands.md "Limits").
   */
  rateRps: 100_000,
  /**
   * Open-model session pool: 100,000, about 245 MB of generator memory (measured: docs/commands.md
   * "Limits"). Sessions wait idle until an arrival takes one, so a large pool costs memory only.
   */
  sessions: 100_000,
  /**
   * Closed-model users: 10,000. Users all start at once (without `rampUp`): 100,000 of them held
   * the event loop for 9.7 s here, so a Ctrl-C waited that long; 10,000 let it in within 0.5 s.
   */
  users: 10_000,
  /** Requests waiting for a free session (open model): a million, 8 MB of intended send times. */
  maxBacklog: 1_000_000,
  /** Bytes sent with each add: 512 KiB, well under the 1 MiB body limit of the replicas. */
  payloadBytes: 512 * 1024,
  /** Cart state one session can grow to (`adds × payload`): 64 MiB, loaded and saved per request. */
  sessionStateBytes: 64 * 1024 * 1024,
  /** A store's memory limit (`maxmemory`): 1 TiB, beyond any machine this runs on. */
  storeMemoryBytes: 1024 ** 4,
  /** Replicas at any time, including those added by `scale`: each is a Node process (~50 MB). */
  replicas: 64,
  /**
   * Points of a sweep (the product of its lists' lengths): 64. Every point runs every
   * architecture on a fresh topology, so 64 points of four architectures are 256 runs, hours
   * of a machine at the default 30 s each; and each point's full result (histograms included)
   * is kept in one file. A larger grid is several sweeps.
   */
  sweepPoints: 64,
  /** Fault timeline entries. */
  faults: 1000,
  /** `name`: it becomes part of the result file name, whose limit is 255 bytes. */
  nameChars: 100,
  /** `description`: printed with the report. */
  descriptionChars: 10_000,
  /** A URL (`store.redisUrl`, `--redis-url`). */
  urlChars: 2048,
  /** A scenario file: 256 KiB, a hundred times the largest shipped scenario. */
  scenarioFileBytes: 256 * 1024,
  /** Keys of one mapping, or entries of one list, in a scenario file. */
  collectionEntries: 1000,
  /** Nodes of a whole scenario file (every key, value and list entry). */
  scenarioNodes: 20_000,
  /** Problems printed for one file; the rest are counted. */
  problemsShown: 50,
  /** A result file read by `report` or `compare`: 256 MiB (a long run's timeline and histograms are a few MB). */
  resultFileBytes: 256 * 1024 * 1024,
} as const;
