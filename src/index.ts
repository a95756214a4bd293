/** aiplab's public API: the CLI and the notebooks use exactly these functions. */
export * from './backtest/index.js';
export { mergeBacktestPartials } from './backtest/merge-backtest.js';
// Past one machine (issue 11): shards of a backtest or a tuning run, partial ingests, and their merges.
export {
  checkShards,
  type PartialHeader,
  parseShard,
  readPartial,
  type ShardSpec,
  shardUnits,
} from './backtest/shard.js';
export { type BacktestPartial, runBacktestShard } from './backtest/shard-backtest.js';
export * from './blocklist/index.js';
export * from './daily/index.js';
export * from './days/index.js';
export * from './enrich/index.js';
export * from './ingest/index.js';
export { type IngestAppendOptions, type IngestAppendResult, ingestAppend } from './ingest/ingest-append.js';
export { type IngestPartial, ingestPartial, mergeIngestPartials } from './ingest/ingest-partial.js';
export * from './knowledge/index.js';
export * from './models/index.js';
export * from './reports/index.js';
export * from './synth/index.js';
export * from './tune/index.js';
export { mergeTunePartials, runTuneShard, type TunePartial } from './tune/tune-shard.js';
export * from './util/index.js';
export { VERSION } from './version.js';
