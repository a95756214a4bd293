export * from './expand-search.js';
export * from './objective-facts.js';
export * from './run-tune.js';
export * from './run-tune-experiment.js';
export * from './tune-experiment.js';
export * from './tune-results.js';
export * from './tune-summary-text.js';
