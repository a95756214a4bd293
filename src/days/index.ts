export * from './dataset.js';
export * from './day-table.js';
export * from './day-table-csv.js';
export * from './manifest.js';
