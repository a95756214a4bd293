import type { DecisionTree } from './decision-tree.js';
import type { MlTreeNode } from './ml-modules.js';

export interface DescribeTreeOptions {
  /** Significant digits of thresholds and probabilities. @default 4 */
  digits?: number;
  /** What the probability is of, in the leaves' text. @default 'p(1)' */
  probabilityName?: string;
  /** Spaces per level. @default 2 */
  indent?: number;
}

/** A tree as the printer sees it: an inner node splits, a leaf gives the probability of label 1. */
interface RuleNode {
  split?: { feature: number; op: '<=' | '<'; threshold: number; below: RuleNode; above: RuleNode };
  p: number;
  /** Training rows that reached the node, where the tree keeps it. */
  n?: number;
}

/**
 * A tree as indented if/else rules, one line per test and per leaf:
 *
 * ```
 * if days_since_last_seen <= 1.5:
 *   if days_active <= 3.5:
 *     p(attacked) = 0.4125  (n = 80)
 *   else:
 *     …
 * else:
 *   p(attacked) = 0.03  (n = 900)
 * ```
 *
 * Accepts the histogram learner's DecisionTree (rows ≤ threshold go to the `if` branch) or the root of an ml-cart tree
 * (rows < threshold do, printed with `<`).
 */
export function describeTree(
  tree: DecisionTree | MlTreeNode,
  featureNames: readonly string[],
  options: DescribeTreeOptions = {},
): string {
  const { digits = 4, probabilityName = 'p(1)', indent = 2 } = options;
  const root =
    'feature' in tree && tree.feature instanceof Int16Array ? fromTable(tree) : fromMl(tree as MlTreeNode);
  const num = (x: number) => String(Number(x.toPrecision(digits)));
  const name = (f: number) => featureNames[f] ?? `feature_${f}`;
  const lines: string[] = [];
  const walk = (node: RuleNode, level: number) => {
    const pad = ' '.repeat(level * indent);
    const s = node.split;
    if (!s) {
      lines.push(
        `${pad}${probabilityName} = ${num(node.p)}${node.n === undefined ? '' : `  (n = ${num(node.n)})`}`,
      );
      return;
    }
    lines.push(`${pad}if ${name(s.feature)} ${s.op} ${num(s.threshold)}:`);
    walk(s.below, level + 1);
    lines.push(`${pad}else:`);
    walk(s.above, level + 1);
  };
  walk(root, 0);
  return `${lines.join('\n')}\n`;
}

function fromTable(tree: DecisionTree): RuleNode {
  const build = (i: number): RuleNode => {
    const f = tree.feature[i]!;
    const node: RuleNode = { p: tree.value[i]!, n: tree.weight[i]! };
    if (f >= 0) {
      node.split = {
        feature: f,
        op: '<=',
        threshold: tree.threshold[i]!,
        below: build(i + 1),
        above: build(tree.right[i]!),
      };
    }
    return node;
  };
  return build(0);
}

function fromMl(node: MlTreeNode): RuleNode {
  if (node.left && node.right && node.splitColumn !== undefined && node.splitValue !== undefined) {
    const below = fromMl(node.left);
    const above = fromMl(node.right);
    return {
      // ml-cart keeps no counts or class shares at inner nodes.
      p: Number.NaN,
      split: { feature: node.splitColumn, op: '<', threshold: node.splitValue, below, above },
    };
  }
  const d = node.distribution;
  return { p: d && d.columns > 1 ? d.get(0, 1) : 0 };
}
