import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { UsageError } from '../util/errors.js';

/**
 * What a model gets to produce the list for day D (DESIGN §3): the knowledge as of D (which also serves the per-day
 * rows of any window before D and the state as of D-1), the date, a seed, and a place for warnings. Nothing in it
 * can reach day D or later.
 */
export interface ModelContext {
  /** D, the day the list is for (`YYYY-MM-DD`); always `knowledge.date`. */
  readonly date: string;
  readonly knowledge: KnowledgeView;
  /** The run's seed (unsigned 32-bit): a model that draws random numbers derives its stream from it and D. */
  readonly seed: number;
  /** Reports something the caller should know (missing days in a window, an empty history, …); never throws. */
  warn(message: string): void;
  /**
   * When set, the caller uses only the first `limit` entries of the ranking (a backtest with top-K budgets only): a
   * model may return just those, and they must equal the first `limit` of its full ranking (rankByScore does this).
   */
  readonly limit?: number | undefined;
  /**
   * What the sensors saw, in a backtest across sensors (an experiment naming `sensors` or `truth`); absent elsewhere
   * (a model then treats the dataset as one sensor).
   */
  readonly sensors?: SensorFeatures | undefined;
}

/**
 * Cross-sensor features of the IPs known before D (docs/sensors.md, Backtests across sensors), from the sensors' own
 * day tables of the days before D only. Each array is indexed by knowledge id, has the view's size, and is fresh (the
 * caller's to keep or change). A call after the backtest has moved on to a later day throws a LookaheadError.
 */
export interface SensorFeatures {
  /** The lists' sensors: those whose tables built the knowledge, ascending. */
  readonly sensors: readonly string[];
  /**
   * The target sensors: those the lists are scored for (the truth's), ascending. Reading their history (`firstSeen…`)
   * uses the target network's own past, not only the others'.
   */
  readonly here: readonly string[];
  /** How many of `sensors` saw each IP in the days D-window .. D-1 (window: whole days >= 1). */
  spread(window: number): Int32Array;
  /** The day (days since 1970-01-01) the `here` sensors first saw each IP before D; -1 when they never did. */
  firstSeenHere(): Int32Array;
  /** The first day any sensor (of `sensors` or `here`) saw each IP before D. */
  firstSeenAnywhere(): Int32Array;
}

export interface ModelContextOptions {
  /** @default 0 */
  seed?: number;
  /** @default ignore warnings */
  warn?: (message: string) => void;
  /** @default undefined: the full ranking */
  limit?: number | undefined;
  /** @default undefined: no sensor features */
  sensors?: SensorFeatures | undefined;
}

export function modelContext(knowledge: KnowledgeView, options: ModelContextOptions = {}): ModelContext {
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new UsageError(`seed must be a whole number in 0 .. 2^32-1, got ${seed}`);
  const warn = options.warn ?? (() => {});
  const limit = options.limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    throw new UsageError(`limit must be a whole number >= 1, got ${limit}`);
  const ctx: ModelContext = { date: knowledge.date, knowledge, seed, warn, limit };
  return options.sensors === undefined ? ctx : { ...ctx, sensors: options.sensors };
}
