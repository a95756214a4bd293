/** aiplab's public API: the CLI and the notebooks use exactly these functions. */
export * from './backtest/index.js';
export * from './blocklist/index.js';
export * from './days/index.js';
export * from './ingest/index.js';
export * from './knowledge/index.js';
export * from './models/index.js';
export * from './reports/index.js';
export * from './synth/index.js';
export * from './tune/index.js';
export * from './util/index.js';
export { VERSION } from './version.js';
