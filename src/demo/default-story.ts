import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/types.js';

/**
 * The story `statebench demo` tells when given no `--script`: about a minute in which a
 * server crashes, comes back, and another one freezes. Written in the scenario file format
 * (and validated by the same parser) so `statebench demo --print-script > my-story.yaml` is a
 * starting point for a custom one.
 *
 * Users think for 100 ms between requests, as people do: enough sessions are alive at any
 * moment for a crash to log out dozens of them, while the load stays well inside what two
 * cores can serve for two architectures at once.
 */
export const DEFAULT_STORY_YAML = `# A statebench demo story: any scenario file works (statebench demo --script FILE).
# The demo runs the first two architectures side by side, each with half of the load,
# and cuts the run into acts at the faults.
name: demo
description: >-
  Two copies of the same shop under the same load. sticky keeps each cart in the memory of
  the server that created it; the other keeps carts in a shared store. At 12 s a server
  crashes, at 30 s it comes back, at 42 s another one freezes for 2 s.
architectures: [sticky, redis]   # redis falls back to sqlite when redis-server is not installed
replicas: 3
duration: 55s
warmup: 3s
load:
  model: closed
  users: 300          # in all: each architecture gets 150
  timeout: 1s
session:
  adds: 8
  readRatio: 0.5
  payload: 64B
  thinkTime: 100ms
faults:
  - at: 12s
    kill: replica-2
  - at: 30s
    restart: replica-2
  - at: 42s
    pause: replica-1
    for: 2s
`;

/** The default story, parsed and validated like any scenario file. */
export function defaultStoryScenario(): Scenario {
  return parseScenario(DEFAULT_STORY_YAML, 'demo (built in)');
}
