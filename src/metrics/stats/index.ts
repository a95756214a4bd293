export type { BootstrapOptions } from './bootstrap-options.js';
export * from './holm.js';
export * from './paired-comparison.js';
export * from './quantile.js';
export * from './summarize.js';
