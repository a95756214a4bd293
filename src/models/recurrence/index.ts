export * from './recurrence-features.js';
export * from './recurrence-model.js';
export * from './recurrence-training-set.js';
