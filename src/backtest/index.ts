// The metrics' index registers the built-in metrics.

export * from '../metrics/evaluate-list.js';
export * from '../metrics/index.js';
export * from '../metrics/list-evaluation.js';
export * from '../metrics/stats/index.js';
export * from '../metrics/truth.js';
export * from '../results/index.js';
export * from './analyze.js';
export * from './backtest.js';
export * from './dataset-source.js';
export * from './experiment.js';
export {
  type HeldOutResult,
  type HeldOutSensor,
  LEAVE_ONE_SENSOR_OUT_COLUMNS,
  type LeaveOneSensorOutManifest,
  type LeaveOneSensorOutOptions,
  type LeaveOneSensorOutPlan,
  type LeaveOneSensorOutResult,
  leaveOneSensorOutCsv,
  leaveOneSensorOutPlan,
  leaveOneSensorOutText,
  runLeaveOneSensorOut,
} from './leave-one-sensor-out.js';
export * from './run-experiment.js';
export * from './summary-text.js';
export { type ResultsExtra, resultsDataset, writeResultFiles, writeResults } from './write-results.js';
