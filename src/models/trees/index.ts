export * from './attacker-features.js';
export * from './bin-features.js';
export * from './classifier-model.js';
export * from './decision-tree.js';
export * from './describe-tree.js';
export * from './fit-next-day.js';
export * from './gradient-boosted-trees.js';
export * from './grow-tree.js';
export * from './mix-seed.js';
export type {
  MlCartOptions,
  MlDecisionTreeClassifier,
  MlRandomForestClassifier,
  MlRandomForestOptions,
  MlTreeNode,
} from './ml-modules.js';
export * from './next-day-training-set.js';
export * from './synthetic-attackers.js';
export * from './train-forest.js';
export * from './train-gradient-boosting.js';
export * from './train-ml-forest.js';
export * from './train-ml-tree.js';
export * from './train-tree.js';
