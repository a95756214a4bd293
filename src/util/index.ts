export * from './atomic-write.js';
export * from './dates.js';
export * from './errors.js';
export * from './ip.js';
export * from './number-format.js';
export * from './sha256.js';
