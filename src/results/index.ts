// The results folder (DESIGN §6): its files' columns, how they are written and read back, and the run folder's name.
export { COMPARISON_COLUMNS, csvText, formatValue, PER_DAY_COLUMNS, SUMMARY_COLUMNS } from './csv.js';
export { provenance, type ResultsDataset, type ResultsExperiment, type ResultsManifest } from './manifest.js';
export { type ResultsFolder, readResultsFolder } from './read-results-folder.js';
export type { Analysis, ComparisonRow, PerDayRow, SkippedTarget, SummaryRow } from './rows.js';
export { utcStamp, type WrittenResults } from './run-folder.js';
export {
  metricTable,
  type ResultsRows,
  type ResultsTables,
  resultsTables,
  type SummaryStat,
  type SummaryValue,
  summaryByModel,
} from './tables.js';
