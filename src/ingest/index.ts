export * from './attack-table-builder.js';
export * from './formats/index.js';
export * from './honeypots.js';
export * from './ingest.js';
export * from './input-files.js';
export * from './skips.js';
