export * from './aip.js';
export * from './ipset.js';
export * from './list-format.js';
export * from './nft.js';
export * from './registry.js';
export * from './set-name.js';
export * from './txt.js';
