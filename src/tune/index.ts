export * from './expand-search.js';
export * from './objective-facts.js';
export * from './run-tune.js';
export * from './tune-experiment.js';
