export * from './aip.js';
export * from './argus.js';
export * from './cowrie.js';
export * from './input-format.js';
export * from './registry.js';
export * from './zeek.js';
