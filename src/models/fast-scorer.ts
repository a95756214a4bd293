import type { KnowledgeView } from '../knowledge/knowledge-view.js';

/**
 * An exact fast path for tuning (issue 10, "Tuning for any model"): a model may add one so that thousands of configs
 * of it are scored on one day without ranking each from scratch. It must give exactly the list the model's own
 * `run` gives (same ids in the same order; checked bit for bit against the general path by the tests), so a config
 * it accepts is scored the same either way, only faster.
 */
export interface FastScorer<P> {
  /**
   * Why this config cannot be scored here (e.g. a negative weight breaks a bound the scorer relies on): the tuner
   * then ranks it with the model itself. undefined: accepted.
   */
  refuses?(params: P): string | undefined;
  /** Day D: the view as of D and the knowledge ids never listed (the allowlist; 1 = excluded), shared by every config. */
  day(view: KnowledgeView, excludedById?: Uint8Array): FastScorerDay<P>;
}

export interface FastScorerDay<P> {
  /**
   * The knowledge ids of the config's list for D: its top `budget` K (after the allowlist), or with `'natural'` its own
   * list (its budget param, else its list rule). With `ordered` the ids come ranked as `model.run` ranks them; without
   * it they may come in any order (for objectives that read only the set of IPs: faster).
   */
  list(params: P, budget: number | 'natural', ordered: boolean): Int32Array;
}
