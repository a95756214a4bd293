import type { KnowledgeView } from '../../knowledge/knowledge-view.js';
import { formatDay } from '../../util/dates.js';
import { seededGenerator } from '../trees/mix-seed.js';
import { recentIds, recurrenceColumns } from './recurrence-features.js';

/** How a recurrence model's training rows are made (the params that change them, and only those). */
export interface RecurrenceTrainingOptions {
  /** Feature names, in column order (recurrenceFeatureNames). */
  features: readonly string[];
  /** Label days: D − 1 .. D − trainDays. */
  trainDays: number;
  /** Rows of a label day t: the IPs seen in the `candidateDays` days before t (null: every IP known before t). */
  candidateDays: number | null;
  /** At most this many rows: every positive is kept (unless they alone are more), negatives are sampled. */
  maxTrainRows: number;
  /** Seed of the sample (mixed with D). */
  seed: number;
}

/** Rows "features as of day t → did the IP attack on t", for the label days t = D − 1 .. D − trainDays. */
export interface RecurrenceTrainingSet {
  /** Feature-major columns of the rows. */
  readonly columns: Float64Array[];
  /** 1: the IP attacked on its row's label day. */
  readonly labels: Uint8Array;
  readonly positives: number;
  /** Label days used, and those skipped (missing days, or days before the knowledge) with why. */
  readonly days: string[];
  readonly skipped: { date: string; reason: string }[];
  /** Rows before sampling. */
  readonly rowsBeforeSample: number;
}

const cache = new WeakMap<KnowledgeView, Map<string, RecurrenceTrainingSet>>();

/**
 * The training set of a recurrence model for the list of D (the view's day), learned from rows before D only: for
 * each label day t = D − j (j = 1 .. trainDays) the state as of t (`view.previous(j)`: days < t), its candidates'
 * features, and the label "attacked on t" read from t's own rows (`view.window`), never from D or later. A missing
 * label day gives no row (it is unknown, not "nobody attacked"). Above `maxTrainRows`, every positive is kept and the
 * negatives are a seeded uniform sample (a sample of the majority class: the ranking by probability is what the
 * models use, and it is what such sampling preserves best); the positives too are sampled if they alone are more.
 * Kept per view and options, so the configs of a tuning day that share them share one set.
 */
export function recurrenceTrainingSet(
  view: KnowledgeView,
  o: RecurrenceTrainingOptions,
): RecurrenceTrainingSet {
  const key = JSON.stringify([o.features, o.trainDays, o.candidateDays, o.maxTrainRows, o.seed]);
  let byKey = cache.get(view);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(view, byKey);
  }
  const known = byKey.get(key);
  if (known) return known;

  const window = view.window(o.trainDays);
  const rowsOf = new Map(window.days.map((d) => [d.day, d.ids]));
  const parts: { columns: Float64Array[]; labels: Uint8Array }[] = [];
  const days: string[] = [];
  const skipped: { date: string; reason: string }[] = [];
  for (let j = 1; j <= o.trainDays; j++) {
    const t = view.day - j;
    const date = formatDay(t);
    const attackers = rowsOf.get(t);
    if (attackers === undefined) {
      skipped.push({
        date,
        reason: window.missingDays.includes(date) ? 'a missing day (no labels)' : 'before the knowledge',
      });
      continue;
    }
    const before = view.previous(j);
    if (before.size === 0) {
      skipped.push({ date, reason: 'no IP known before it' });
      continue;
    }
    const ids = recentIds(before, o.candidateDays);
    const attacked = new Uint8Array(before.size);
    for (const id of attackers) if (id < before.size) attacked[id] = 1;
    const labels = new Uint8Array(ids.length);
    for (let i = 0; i < ids.length; i++) labels[i] = attacked[ids[i]!]!;
    parts.push({ columns: recurrenceColumns(before, o.features, ids), labels });
    days.push(date);
  }
  const total = parts.reduce((n, p) => n + p.labels.length, 0);
  let positives = 0;
  for (const p of parts) for (const y of p.labels) positives += y;
  // Sampling rates: every row while under the cap; else all positives (or a share) and a share of the negatives.
  let keepPos = 1;
  let keepNeg = 1;
  if (total > o.maxTrainRows) {
    if (positives >= o.maxTrainRows / 2) {
      keepPos = o.maxTrainRows / 2 / positives;
      keepNeg = o.maxTrainRows / 2 / Math.max(1, total - positives);
    } else keepNeg = (o.maxTrainRows - positives) / (total - positives);
  }
  const rng = seededGenerator(o.seed, view.day);
  const picked: { part: number; row: number }[] = [];
  parts.forEach((p, pi) => {
    for (let r = 0; r < p.labels.length; r++) {
      const rate = p.labels[r] ? keepPos : keepNeg;
      if (rate >= 1 || (rng.unsafeNext() >>> 0) / 4_294_967_296 < rate) picked.push({ part: pi, row: r });
    }
  });
  const columns = o.features.map(() => new Float64Array(picked.length));
  const labels = new Uint8Array(picked.length);
  let kept = 0;
  picked.forEach(({ part, row }, i) => {
    const p = parts[part]!;
    for (let f = 0; f < columns.length; f++) columns[f]![i] = p.columns[f]![row]!;
    labels[i] = p.labels[row]!;
    kept += labels[i]!;
  });
  const set: RecurrenceTrainingSet = {
    columns,
    labels,
    positives: kept,
    days,
    skipped,
    rowsBeforeSample: total,
  };
  byKey.set(key, set);
  return set;
}
