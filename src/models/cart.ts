import { UsageError } from '../util/errors.js';
import { defineModel, type Model } from './model.js';
import type { ModelContext } from './model-context.js';
import { modelParamsSchema } from './params.js';
import { ATTACKER_FEATURES } from './trees/attacker-features.js';
import {
  type ClassifierModelParams,
  classifierParamsShape,
  classifierRank,
  classifierTunable,
} from './trees/classifier-model.js';
import { describeTree } from './trees/describe-tree.js';
import { fitNextDay, ML_ENGINE_WARN_ROWS } from './trees/fit-next-day.js';
import type { NextDayTrainingSet } from './trees/next-day-training-set.js';
import { trainMlTree } from './trees/train-ml-tree.js';
import { trainTree } from './trees/train-tree.js';

export type CartParams = ClassifierModelParams;

/** Fits the tree of `params` on a training set (no randomness: the same data gives the same tree). */
export function fitCart(params: CartParams, set: NextDayTrainingSet, ctx: ModelContext) {
  const options = { maxDepth: params.maxDepth, minSamplesLeaf: params.minSamplesLeaf };
  if (params.engine === 'ml') {
    if (set.labels.length > ML_ENGINE_WARN_ROWS)
      ctx.warn(
        `engine 'ml' on ${set.labels.length} training IPs: its split search is quadratic, expect minutes`,
      );
    const ml = trainMlTree(set.columns, set.labels, options);
    return { classifier: ml, tree: ml.tree.root };
  }
  const tree = trainTree(set.columns, set.labels, { ...options, maxBins: params.maxBins });
  return { classifier: tree, tree };
}

/**
 * CART (DESIGN §3): the Random Forest's features and labels (see randomForestModel), one classification tree
 * (gini), shallow by default so that its rules can be read — print them with `cartRules`. Score = the probability of
 * the IP's leaf; the list rule keeps probability > 0.5.
 */
export const cartModel = defineModel<CartParams>({
  name: 'CART',
  summary:
    'IPs one decision tree, trained on who attacked yesterday, predicts will attack (rules printable) — CART (Breiman et al. 1984) on AIP’s features',
  source: 'DESIGN §3 (CART, Breiman et al. 1984); features and labels of AIP lib/aip/models/random_forest.py',
  schema: modelParamsSchema(classifierParamsShape({ maxDepth: 5, minSamplesLeaf: 10 })),
  tunable: classifierTunable({ min: 1, max: 12 }),
  listRule: (params) => ({ threshold: params.threshold, minimum: 0 }),
  unranked: (params) => params.rankBy === 'prediction',
  rank: (params, ctx) => classifierRank(params, ctx, (set) => fitCart(params, set, ctx).classifier),
});

/**
 * The rules of the tree a CART model learns for ctx.date, as indented if/else text: a header naming the training
 * day, then one line per test (`if days_since_last_seen <= 1.5:`) and per leaf (`p(attacked) = 0.41  (n = 80)`;
 * the ml engine keeps no counts and tests with `<`). Where there is nothing to learn, the header says why.
 */
export function cartRules(model: Model, ctx: ModelContext): string {
  if (model.name !== cartModel.name)
    throw new UsageError(`cartRules: expected a CART model, got '${model.name}'`);
  const params = model.params as CartParams;
  const reasons: string[] = [];
  let tree: ReturnType<typeof fitCart>['tree'] | undefined;
  const fitted = fitNextDay({ ...ctx, warn: (m) => reasons.push(m) }, (set) => {
    const fit = fitCart(params, set, ctx);
    tree = fit.tree;
    return fit.classifier;
  });
  const head = `CART for ${ctx.date} (engine ${params.engine}, maxDepth ${params.maxDepth ?? 'none'}, minSamplesLeaf ${params.minSamplesLeaf})`;
  if (!fitted || !tree) return `${head}: no tree: ${reasons.join('; ')}\n`;
  const { set } = fitted;
  return (
    `${head}\ntrained on the ${set.labels.length} IPs known before ${set.labelDate}, ${set.positives} of them ` +
    `attacking on ${set.labelDate}\n` +
    describeTree(tree, ATTACKER_FEATURES, { probabilityName: 'p(attacked)' })
  );
}
