import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { trainLogisticRegression } from '../../src/models/linear/train-logistic-regression.js';
import { syntheticAttackers } from '../../src/models/trees/synthetic-attackers.js';
import { trainForest } from '../../src/models/trees/train-forest.js';
import { trainGradientBoosting } from '../../src/models/trees/train-gradient-boosting.js';
import { type BenchLine, ROOT } from './common.js';

/**
 * Learner benchmark (issue 10, part 3): gradient-boosted trees (100 rounds, depth 6, defaults), logistic regression
 * (Newton, l2 = 1, standardized) and the random forest (30 trees) on 100 k and 1 M rows of syntheticAttackers with
 * 15 features (its 12 columns plus log1p of days since last seen, days active and mean flows, the scale on which
 * its label is linear), held-out AUC and log-loss on 20 k rows, each run in a process of its own for its time and
 * peak RSS. The npm alternatives are measured when installed (`npm i --no-save ml-xgboost ml-logistic-regression`):
 * neither is a dependency.
 */
export async function benchLearners(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  const run = (learner: string, rows: number, name: string, targetS?: number) => {
    const r = child(learner, rows);
    if ('missing' in r) {
      lines.push({ name, value: `not installed (npm i --no-save ${r.missing} to measure)` });
      return;
    }
    lines.push({
      name,
      value: `${r.seconds.toFixed(2)} s${targetS ? ` (target < ${targetS} s)` : ''}, AUC ${r.auc.toFixed(4)}, log-loss ${r.logLoss.toFixed(4)}, peak RSS ${r.peakMb} MB (data ${r.dataMb} MB)${r.note ? `, ${r.note}` : ''}`,
      ...(targetS ? { ok: r.seconds < targetS } : {}),
    });
  };
  for (const rows of [100_000, 1_000_000]) {
    const label = rows >= 1e6 ? `${rows / 1e6}M` : `${rows / 1e3}k`;
    run('gbt', rows, `GBT, ${label} rows`, rows === 100_000 ? 5 : undefined);
    run('lr', rows, `logistic regr., ${label} rows`);
    run('rf', rows, `RF 30 trees, ${label} rows`);
    run('ml-xgboost', rows, `ml-xgboost hist, ${label}`);
  }
  run('lr', 10_000, 'logistic regr., 10k rows');
  run('ml-logistic-regression', 10_000, 'ml-logistic-regr., 10k');
  return lines;
}

interface ChildFigures {
  seconds: number;
  auc: number;
  logLoss: number;
  peakMb: number;
  dataMb: number;
  note?: string;
}

function child(learner: string, rows: number): ChildFigures | { missing: string } {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, learner, String(rows)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`learners bench (${learner}, ${rows}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** The 15-feature problem: syntheticAttackers' columns plus three log1p columns. */
function problem(rows: number, seed: number) {
  const data = syntheticAttackers({ rows, seed });
  const logOf = (f: number) => Float64Array.from(data.columns[f]!, Math.log1p);
  return { columns: [...data.columns, logOf(9), logOf(8), logOf(4)], labels: data.labels };
}

/** AUC by ranks (Mann–Whitney U), ties sharing their mean rank. */
function auc(p: ArrayLike<number>, y: Uint8Array): number {
  const order = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && p[order[j]!] === p[order[i]!]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (y[order[k]!] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j;
  }
  const negatives = y.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function logLoss(p: ArrayLike<number>, y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]!));
    s -= y[i] ? Math.log(q) : Math.log(1 - q);
  }
  return s / y.length;
}

/** In the child: trains one learner on `rows` rows and prints its figures as JSON. */
function runChild(learner: string, rows: number): void {
  const require = createRequire(import.meta.url);
  const load = (name: string): unknown => {
    try {
      return require(name);
    } catch {
      return null;
    }
  };
  const train = problem(rows, 1);
  const test = problem(20_000, 2);
  const dataMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  const report = (seconds: number, p: ArrayLike<number>, note?: string) => {
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const figures: ChildFigures = {
      seconds,
      auc: auc(p, test.labels),
      logLoss: logLoss(p, test.labels),
      peakMb,
      dataMb,
    };
    if (note) figures.note = note;
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  };
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  if (learner === 'gbt') {
    const model = trainGradientBoosting(train.columns, train.labels, { rounds: 100, maxDepth: 6, seed: 1 });
    const s = elapsed();
    report(
      s,
      model.predictProbability(test.columns),
      `${Math.round(model.nodeCount / model.treeCount)} nodes/tree`,
    );
  } else if (learner === 'lr') {
    const model = trainLogisticRegression(train.columns, train.labels);
    const s = elapsed();
    report(s, model.predictProbability(test.columns), `${model.iterations} Newton steps`);
  } else if (learner === 'rf') {
    const forest = trainForest(train.columns, train.labels, { trees: 30, seed: 7 });
    const s = elapsed();
    report(s, forest.predictProbability(test.columns));
  } else if (learner === 'ml-xgboost') {
    // ml-xgboost's own train() passes the matrix through the 5 MB emscripten stack and overflows ("memory access out
    // of bounds") past ~87 k rows × 15 features, so its wasm exports are called on malloc'd copies instead.
    const wasm = load('ml-xgboost/dist/wasm/xgboost') as { isReady: Promise<XgboostWasm> } | null;
    if (wasm === null) return void process.stdout.write(`${JSON.stringify({ missing: 'ml-xgboost' })}\n`);
    void wasm.isReady.then((m) => {
      const t1 = performance.now();
      const F = train.columns.length;
      const copy = (columns: Float64Array[], n: number) => {
        const ptr = m._malloc(n * F * 4);
        const view = new Float32Array(m.HEAPU8.buffer, ptr, n * F);
        for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) view[i * F + f] = columns[f]![i]!;
        return ptr;
      };
      const x = copy(train.columns, rows);
      const y = m._malloc(rows * 4);
      new Float32Array(m.HEAPU8.buffer, y, rows).set(train.labels);
      const booster = m._create_model(x, y, rows, F);
      const setParam = m.cwrap('set_param', null, ['number', 'string', 'string']);
      const params = {
        booster: 'gbtree',
        objective: 'binary:logistic',
        tree_method: 'hist',
        max_depth: '6',
        eta: '0.1',
        min_child_weight: '1',
        lambda: '1',
        subsample: '1',
        colsample_bytree: '1',
        silent: '1',
        seed: '1',
      };
      for (const [k, v] of Object.entries(params)) setParam(booster, k, v);
      m._train_full_model(booster, 100);
      const s = (performance.now() - t1) / 1000;
      const p = new Float64Array(test.labels.length);
      const row = m._malloc(F * 4);
      const out = m._malloc(4);
      for (let i = 0; i < p.length; i++) {
        const view = new Float32Array(m.HEAPU8.buffer, row, F);
        for (let f = 0; f < F; f++) view[f] = test.columns[f]![i]!;
        m._predict_one(booster, row, F, out);
        p[i] = new Float32Array(m.HEAPU8.buffer, out, 1)[0]!;
      }
      report(s, p, 'wasm, XGBoost 0.7x');
    });
  } else if (learner === 'ml-logistic-regression') {
    const LogisticRegression = load('ml-logistic-regression') as MlLogisticRegressionClass | null;
    // ml-matrix as ml-logistic-regression itself resolves it (its version, its Matrix class).
    const ml =
      LogisticRegression &&
      (createRequire(require.resolve('ml-logistic-regression'))('ml-matrix') as { Matrix: MlMatrixClass });
    if (LogisticRegression === null || ml === null)
      return void process.stdout.write(`${JSON.stringify({ missing: 'ml-logistic-regression' })}\n`);
    // Its gradient descent has no intercept and no scaling: give it standardized features and a column of ones,
    // and a step of 4/rows (its default, 5e-4 on a summed gradient, diverges at this size).
    const F = train.columns.length;
    const mean = train.columns.map((c) => c.reduce((a, b) => a + b, 0) / rows);
    const sd = train.columns.map((c, f) => Math.sqrt(c.reduce((a, b) => a + (b - mean[f]!) ** 2, 0) / rows));
    const design = (columns: Float64Array[], n: number) => {
      const m = new ml.Matrix(n, F + 1);
      for (let i = 0; i < n; i++) {
        m.set(i, 0, 1);
        for (let f = 0; f < F; f++) m.set(i, f + 1, (columns[f]![i]! - mean[f]!) / (sd[f]! || 1));
      }
      return m;
    };
    const steps = 100;
    const t1 = performance.now();
    const model = new LogisticRegression({ numSteps: steps, learningRate: 4 / rows });
    model.train(design(train.columns, rows), ml.Matrix.columnVector(Array.from(train.labels)));
    const s = (performance.now() - t1) / 1000;
    // One-vs-all: classifier 0 separates class 0 (as 0) from the rest (as 1), i.e. gives P(label 1).
    report(s, model.classifiers[0]!.testScores(design(test.columns, test.labels.length)), `${steps} steps`);
  } else {
    throw new Error(`unknown learner ${learner}`);
  }
}

interface XgboostWasm {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _create_model(x: number, y: number, rows: number, columns: number): number;
  _train_full_model(model: number, rounds: number): void;
  _predict_one(model: number, row: number, columns: number, out: number): number;
  cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
}

interface MlMatrixClass {
  new (rows: number, columns: number): { set(i: number, j: number, v: number): void };
  columnVector(values: number[]): unknown;
}

interface MlLogisticRegressionClass {
  new (options: {
    numSteps: number;
    learningRate: number;
  }): {
    train(x: unknown, y: unknown): void;
    classifiers: { testScores(x: unknown): number[] }[];
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  runChild(process.argv[2] ?? 'gbt', Number(process.argv[3] ?? 100_000));
