// The metrics' index registers the built-in metrics.
export * from './analyze.js';
export * from './backtest.js';
export * from './dataset-source.js';
export * from './experiment.js';
export * from './facts.js';
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
export * from './list-facts.js';
export * from './metrics/index.js';
export * from './results.js';
export * from './run-experiment.js';
export * from './stats/index.js';
export * from './summary-text.js';
export * from './truth.js';
