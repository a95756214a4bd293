/**
 * aiplab's public API: what researchers, notebooks, experiments and module models use. Each name is chosen; internals
 * stay in their modules (tests import those by path). test/api.test.ts snapshots the value exports, so a change here is
 * deliberate.
 */
// biome-ignore-all assist/source/organizeImports: the exports stay grouped by section (docs/api.md is generated from them)

// The built-in models, decay functions and metrics register when their stages load.
import './metrics/index.js';
import './models/index.js';

// Errors and version
export { AiplabError, DataError, type DataErrorLocation, UsageError } from './util/errors.js';
export { LookaheadError } from './knowledge/lookahead-error.js';
export { VERSION } from './version.js';

// Dates
export { addDays, formatDay, isDay, parseDay } from './util/dates.js';

// IPs
export { canonicalIp } from './util/ip/canonical.js';
export { ipv4ToNumber, isCanonicalIpv4 } from './util/ip/ipv4.js';

// Ingest: sensor logs to day tables
export { ingest, type IngestOptions, type IngestResult } from './ingest/ingest.js';
export { ingestAppend, type IngestAppendOptions, type IngestAppendResult } from './ingest/ingest-append.js';
export { ingestPartial, type IngestPartial, mergeIngestPartials } from './ingest/ingest-partial.js';
export { getInputFormat, inputFormatNames, registerInputFormat } from './ingest/formats/registry.js';
export type { InputFormat, ReadContext, ReaderOptions } from './ingest/formats/input-format.js';

// Day tables and datasets
export { type Dataset, openDataset, type OpenDatasetOptions, readDayTable } from './days/dataset.js';
export type { DatasetManifest } from './days/manifest.js';
export { DAY_TABLE_COLUMNS, type DayTable, totalFlows } from './days/day-table.js';
export { readDayTableFile } from './days/day-table-csv.js';

// Synthetic data
export { SYNTH_DEFAULTS, synthesize, type SynthOptions, type SynthReport } from './synth/synthesize.js';

// Knowledge base
export { KnowledgeBase, type KnowledgeOptions } from './knowledge/knowledge-base.js';
export { buildKnowledge, foldDaysBefore } from './knowledge/fold-days.js';
export type { KnowledgeView } from './knowledge/knowledge-view.js';
export {
  ewmaFeatureName,
  HISTORY_FEATURES,
  type HistoryFeature,
  historyFeatures,
  type HistoryFeatures,
} from './knowledge/history-features.js';
export { AIP_FEATURES, type AipFeature, aipFeatures } from './knowledge/aip-features.js';

// Models and decays
export { defineModel, Model, type ModelFactory, type ModelJSON, type ModelSpec } from './models/model.js';
export { createModel, getModel, loadModel, modelNames, registerModel } from './models/registry.js';
export { loadModelModules, type ModelModule } from './models/model-modules.js';
export { type ModelContext, modelContext } from './models/model-context.js';
export { cartRules } from './models/cart.js';
export { type CommonModelParams, modelParamsSchema, type ParamsSchema } from './models/params.js';
export type { TunableParam, TunableParams } from './models/tunable.js';
export { z } from 'zod';
export { emptyRankedList, rankByScore, type RankedList } from './models/ranked-list.js';
export { warnIfNoKnowledge } from './models/history-warnings.js';
export { createDecay, decayNames, getDecay, registerDecay } from './models/decay/registry.js';
export type { DecayDefinition, DecayFunction, DecaySpec } from './models/decay/decay-function.js';

// Blocklists
export {
  type DailyBlocklistOptions,
  type DailyBlocklistResult,
  dailyBlocklists,
} from './blocklist/daily-blocklists.js';
export { defineListFormat, type ListFormat } from './blocklist/formats/list-format.js';
export { getListFormat, listFormatNames, registerListFormat } from './blocklist/formats/registry.js';
export { Allowlist } from './blocklist/allowlist.js';
export { parseAllowlist, readAllowlist } from './blocklist/read-allowlist.js';

// Operator's daily feed
export { dailyFeed, type DailyFeedOptions, type DailyFeedResult } from './daily/daily-feed.js';

// Enrichment
export { type IpInfo, type IpLookup, loadIpLookup, type LoadIpLookupOptions } from './enrich/ip-lookup.js';

// Metrics and statistics
export {
  defineMetric,
  getMetric,
  type Metric,
  metricNames,
  type MetricSpec,
  registerMetric,
} from './metrics/metric.js';
export type { ListEvaluation } from './metrics/list-evaluation.js';
export { summarize, type Summary } from './metrics/stats/summarize.js';
export { pairedComparison, type PairedComparison } from './metrics/stats/paired-comparison.js';
export { holm } from './metrics/stats/holm.js';
export { quantile } from './metrics/stats/quantile.js';
export type { BootstrapOptions } from './metrics/stats/bootstrap-options.js';

// Results folders
export { readResultsFolder, type ResultsFolder } from './results/read-results-folder.js';
export type { ResultsManifest } from './results/manifest.js';
export type { Analysis, ComparisonRow, PerDayRow, SummaryRow } from './results/rows.js';
export { COMPARISON_COLUMNS, PER_DAY_COLUMNS, SUMMARY_COLUMNS } from './results/csv.js';

// Backtests
export {
  type Experiment,
  type ExperimentInput,
  type ExperimentModel,
  readExperiment,
  resolveExperiment,
} from './backtest/experiment.js';
export {
  type ExperimentResult,
  runExperiment,
  type RunExperimentOptions,
} from './backtest/run-experiment.js';
export { type BacktestOptions, type BacktestRun, runBacktest } from './backtest/backtest.js';
export { analyzeRun } from './backtest/analyze.js';
export { writeResults } from './backtest/write-results.js';
export { type Budget, budgetLabel } from './backtest/experiment-common.js';
export type { WrittenResults } from './results/run-folder.js';
export {
  type LeaveOneSensorOutOptions,
  type LeaveOneSensorOutResult,
  runLeaveOneSensorOut,
} from './backtest/leave-one-sensor-out.js';
export { type BacktestPartial, runBacktestShard } from './backtest/shard-backtest.js';
export { mergeBacktestPartials } from './backtest/merge-backtest.js';

// Tuning
export {
  readTuneExperiment,
  resolveTuneExperiment,
  type TuneExperiment,
  type TuneExperimentInput,
} from './tune/tune-experiment.js';
export { expandSearch } from './tune/expand-search.js';
export { runTune, type RunTuneOptions, type TuneRun } from './tune/run-tune.js';
export { runTuneExperiment, type TuneExperimentResult } from './tune/run-tune-experiment.js';
export { mergeTunePartials, runTuneShard, type TunePartial } from './tune/tune-shard.js';

// Reports and charts
export { writeReport, type WriteReportOptions, type WrittenReport } from './reports/write-report.js';
export { reportCharts } from './reports/report-charts.js';
export { budgetCurves } from './reports/budget-curves.js';
export { metricOverTime } from './reports/metric-over-time.js';
export { pairedDifferences } from './reports/paired-differences.js';
export { churnOverTime } from './reports/churn-over-time.js';
export { asnConcentrationOverTime } from './reports/asn-concentration-over-time.js';
export { dataOverview } from './reports/data-overview.js';
export { renderPng, renderSvg, type VegaLiteSpec } from './reports/render.js';

// Results as arquero tables
export { metricTable, resultsTables, type ResultsTables, summaryByModel } from './results/tables.js';

// Registries: the one generic registry behind models, decays, metrics and formats
export { Registry } from './util/registry.js';
