import { createRequire } from 'node:module';

/**
 * The parts of mljs's `ml-cart` and `ml-random-forest` the reference engines use, typed here: ml-cart ships no
 * types and ml-random-forest's declare a module augmentation, not its exports. Loaded with `require` (their CommonJS
 * builds), which every runner here (tsx, vitest) resolves the same way.
 */
export interface MlMatrixLike {
  readonly rows: number;
  readonly columns: number;
  get(row: number, column: number): number;
}

export interface MlCartOptions {
  gainFunction?: 'gini';
  /** A node with at most this many rows becomes a leaf. @default 3 */
  minNumSamples?: number;
  /** @default Infinity */
  maxDepth?: number;
  /** A split must gain more gini than this. @default 0.01 */
  gainThreshold?: number;
}

export interface MlTreeNode {
  splitColumn?: number;
  /** Rows with value < splitValue go left. */
  splitValue?: number;
  left?: MlTreeNode;
  right?: MlTreeNode;
  /** Class shares at a leaf (1 × classes; a leaf that saw only class 0 has one column). */
  distribution?: MlMatrixLike;
  classify(row: readonly number[]): MlMatrixLike;
}

export interface MlDecisionTreeClassifier {
  root: MlTreeNode;
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
}

export interface MlRandomForestOptions {
  /** Features per tree: a fraction in (0, 1] or a count > 1. */
  maxFeatures: number;
  replacement: boolean;
  nEstimators: number;
  seed: number;
  useSampleBagging: boolean;
  noOOB: boolean;
  treeOptions: MlCartOptions;
}

export interface MlRandomForestClassifier {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
  /** Per row, each tree's predicted class (rows × trees). */
  predictionValues(x: number[][]): MlMatrixLike;
  predictProbability(x: number[][], label: number): number[];
}

const require = createRequire(import.meta.url);

type MlCartModule = { DecisionTreeClassifier: new (options?: MlCartOptions) => MlDecisionTreeClassifier };
type MlRandomForestModule = {
  RandomForestClassifier: new (options?: Partial<MlRandomForestOptions>) => MlRandomForestClassifier;
};

// Loaded on first use only: importing them (ml-matrix and friends) makes V8 run a full mark-compact every few
// hundred milliseconds for the rest of the process (measured: 1 → 55 during an ingest that never trains a tree).
let cart: MlCartModule | undefined;
let forest: MlRandomForestModule | undefined;

export function mlCart(): MlCartModule {
  cart ??= require('ml-cart') as MlCartModule;
  return cart;
}

export function mlRandomForest(): MlRandomForestModule {
  forest ??= require('ml-random-forest') as MlRandomForestModule;
  return forest;
}

/** Column arrays → the row arrays mljs takes. */
export function toRows(columns: readonly ArrayLike<number>[]): number[][] {
  const n = columns[0]?.length ?? 0;
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = columns.map((c) => c[i]!);
  return rows;
}
