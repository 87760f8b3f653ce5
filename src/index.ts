/**
 * statebench's library API, the package's only entry point (`import … from 'statebench'`; the
 * `exports` map keeps internals out of reach): what the CLI is a thin layer over. Load a
 * scenario, run it and get a serializable result; render or compare results; or drive the pieces
 * (topology, load, recorder) directly. docs/library.md has runnable examples.
 */
export { runScenario, type RunOptions, type RunListener } from './run/run-scenario.js';
export { runCapacity, type CapacityOptions, type CapacityListener } from './capacity/run-capacity.js';
export { fitUsl, uslRps } from './capacity/usl.js';
export { runSweep, type SweepOptions, type SweepListener } from './sweep/run-sweep.js';
export { sweepGrowth, figuresAt, pointFigures } from './sweep/growth.js';
export { fitLine, type LineFit } from './sweep/linear-fit.js';
export type * from './sweep/sweep-result.js';
export { applySweepPoint } from './scenario/sweep.js';
export type * from './capacity/capacity-result.js';
export { writeResultFile, defaultResultPath } from './run/write-result.js';
export {
  loadScenario,
  loadScenarioFile,
  parseScenario,
  resolveBuiltinScenario,
  scenarioFromDefaults,
  type LoadScenarioOptions,
  type ParseOptions,
} from './scenario/load-scenario.js';
export { overridesFromEnv, type AdHocFlag, type ScenarioOverride } from './scenario/overrides.js';
export { shippedScenarios, type ShippedScenario } from './scenario/shipped-scenarios.js';
export { startTopology, stopAllTopologies } from './topology/topology.js';
export { createRouter } from './topology/router.js';
export { runLoad, type RunLoadOptions, type LoadStats } from './load/run-load.js';
export { Recorder } from './metrics/recorder.js';
export { summarize } from './metrics/summarize.js';
export { decodeHistogram, encodeHistogram, mergeHistograms, percentilesOf } from './hdr/histogram.js';
export { readResultFile } from './report/read-result.js';
export { renderTerminalReport } from './report/terminal-table.js';
export { renderMarkdown } from './report/markdown.js';
export { renderJUnit } from './report/junit.js';
export { renderHtml } from './report/html.js';
export { renderTimelineCsv, type LabelledResult } from './report/timeline-csv.js';
export { renderComparisonHtml } from './report/comparison-html.js';
export { renderComparisonJUnit } from './report/comparison-junit.js';
export { compareResults, NOISE_RULE, type CompareOptions } from './compare/compare-results.js';
export { DEFAULT_MAX_REGRESS, parseMaxRegress } from './compare/tolerances.js';
export type * from './compare/types.js';
export { renderComparison, type ComparisonRenderOptions } from './report/comparison-terminal.js';
export { renderComparisonMarkdown, type ComparisonMarkdownOptions } from './report/comparison-markdown.js';
export { EXIT, StatebenchError, InvalidInputError } from './errors.js';
export type * from './result/types.js';
export type * from './scenario/types.js';
export type { Topology, TopologyOptions, Replica, Router } from './topology/types.js';
export type { Architecture } from './architectures/index.js';
export { ARCHITECTURES } from './architectures/index.js';
export { isDisturbed } from './metrics/measurement-quality.js';
export type { Endpoint, OutcomeKind, ErrorKind } from './load/outcome.js';
