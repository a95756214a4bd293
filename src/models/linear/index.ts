export * from './logistic-regression-model.js';
export * from './train-logistic-regression.js';
