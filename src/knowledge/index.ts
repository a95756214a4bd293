export * from './aip-features.js';
export type { DayRows, KnowledgeWindow } from './day-rows.js';
export * from './fold-days.js';
export * from './history-features.js';
export * from './knowledge-base.js';
export type { KnowledgeColumns, KnowledgeView } from './knowledge-view.js';
export * from './lookahead-error.js';
