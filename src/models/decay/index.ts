import './builtin.js';

export * from './aip-consistent.js';
export * from './aip-new.js';
export * from './aip-seed.js';
export * from './decay-function.js';
export * from './exponential.js';
export * from './hyperbolic.js';
export * from './linear.js';
export * from './none.js';
export * from './registry.js';
export * from './step.js';
