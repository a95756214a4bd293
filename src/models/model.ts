import { UsageError } from '../util/errors.js';
import type { FastScorer } from './fast-scorer.js';
import { type ListRule, selectList } from './list-rule.js';
import type { ModelContext } from './model-context.js';
import { type CommonModelParams, deepFreeze, type ParamsSchema, parseParams } from './params.js';
import type { RankedList } from './ranked-list.js';
import { BUDGET_TUNABLE, type TunableParams } from './tunable.js';

/** A model as JSON: `{ "name": "Alpha", "params": { "lookback": 1, "budget": null } }`. */
export interface ModelJSON {
  name: string;
  params: Record<string, unknown>;
}

/** Everything that defines a model: one per file, registered with registerModel. */
export interface ModelSpec<P extends CommonModelParams> {
  /** Registry name; AIP's output folder name where the model is AIP's (`Prioritize_New`). */
  name: string;
  /** One line: what the model lists. */
  summary: string;
  /** Where its formula comes from (a file of AIP, a DESIGN section, a paper). */
  source: string;
  /** Validates params and fills defaults; strict (unknown keys are errors). Build it with modelParamsSchema. */
  schema: ParamsSchema<P>;
  /**
   * Days before D whose per-day rows or undo logs the model reads (KnowledgeOptions.retainDays must be at least
   * these): a window's lookback, or the steps back of `view.previous(steps)`. @default 0
   */
  historyDays?(params: P): number;
  /** Half-lives of the knowledge base's EWMA columns the model reads (KnowledgeOptions.halfLives). @default none */
  halfLives?(params: P): number[];
  /**
   * The params a tuning search may vary and their domains (issue 10). `budget` is added for every model. Seeds, dates
   * and engine choices are not tunable. @default only `budget`
   */
  tunable?: TunableParams;
  /** An exact fast path for tuning many configs (optional; see FastScorer). A fresh one per tuning run. */
  fastScorer?(): FastScorer<P>;
  /** The cut applied to the ranking when no budget is set; none: every ranked IP is listed. */
  listRule?(params: P): ListRule | undefined;
  /**
   * Whether the list is a set rather than a ranking (the Alpha family): its scores mean nothing, and AIP's output
   * writes only the `attacker` column. @default false
   */
  unranked?(params: P): boolean;
  /**
   * Scores and ranks the candidates for ctx.date, best first, equal scores in the tie order (build the list with
   * rankByScore). Must not modify anything it is given.
   */
  rank(params: P, ctx: ModelContext): RankedList;
}

/** A model with its parameters fixed: make the list for a day with `run`. */
export class Model<P extends CommonModelParams = CommonModelParams> {
  readonly name: string;
  /** Validated, defaults filled, frozen. */
  readonly params: Readonly<P>;
  readonly #spec: ModelSpec<P>;

  constructor(spec: ModelSpec<P>, params: P) {
    this.#spec = spec;
    this.name = spec.name;
    this.params = deepFreeze(params);
  }

  /** Days of per-day rows before D this model reads (KnowledgeOptions.retainDays must be at least this). */
  get historyDays(): number {
    return this.#spec.historyDays?.(this.params) ?? 0;
  }

  /** Half-lives of the knowledge base's EWMA columns this model reads (KnowledgeOptions.halfLives must include them). */
  get halfLives(): number[] {
    return this.#spec.halfLives?.(this.params) ?? [];
  }

  /** Whether the list is a set, not a ranking (AIP writes such lists with the single column `attacker`). */
  get unranked(): boolean {
    return this.#spec.unranked?.(this.params) ?? false;
  }

  /** The model's own cut (when no budget is set), if any. */
  get listRule(): ListRule | undefined {
    return this.#spec.listRule?.(this.params);
  }

  /** Every candidate, ranked, before the allowlist, the list rule or the budget. */
  rank(ctx: ModelContext): RankedList {
    if (ctx.date !== ctx.knowledge.date)
      throw new UsageError(
        `${this.name}: context date ${ctx.date} differs from its knowledge's ${ctx.knowledge.date}`,
      );
    const prefix = `${this.name} ${ctx.date}: `;
    const outer = ctx.warn;
    return this.#spec.rank(this.params, {
      ...ctx,
      warn: (message) => outer(prefix + message),
    });
  }

  /**
   * The list for day D: ranking → allowlist (`exclude`) removed → the budget's top K if `params.budget` is set,
   * else the model's list rule (DESIGN §4).
   */
  run(ctx: ModelContext, options: { exclude?: (ip: string) => boolean } = {}): RankedList {
    return this.naturalList(this.rank(ctx), options.exclude);
  }

  /**
   * The model's own cut of a ranking (its natural list): the top `params.budget` if set, else its list rule, else every
   * entry; `exclude` (the allowlist) is removed first. What `run` applies, and the backtest's `natural` budget.
   */
  naturalList(ranked: RankedList, exclude?: (ip: string) => boolean): RankedList {
    const budget = this.params.budget;
    return selectList(ranked, { rule: budget === null ? this.listRule : undefined, budget, exclude });
  }

  toJSON(): ModelJSON {
    return {
      name: this.name,
      params: structuredClone(this.params) as Record<string, unknown>,
    };
  }
}

/** A registered kind of model: makes instances from params or JSON (mljs's `toJSON`/`load` pair). */
export interface ModelFactory<P extends CommonModelParams = CommonModelParams> {
  readonly name: string;
  readonly summary: string;
  readonly source: string;
  /** The default params, frozen. */
  readonly defaults: Readonly<P>;
  /** The params a tuning search may vary, with their domains (always including `budget`), frozen. */
  readonly tunable: TunableParams;
  /** A fresh exact fast scorer for tuning, if the model has one. */
  fastScorer?(): FastScorer<P>;
  /** Validates params (errors name the bad key) and fills defaults; the input is not modified. */
  parseParams(params?: unknown): P;
  create(params?: Partial<P>): Model<P>;
  /** A model from its JSON; refuses JSON of another model. */
  load(json: unknown): Model<P>;
}

export function defineModel<P extends CommonModelParams>(spec: ModelSpec<P>): ModelFactory<P> {
  const parse = (params?: unknown): P => {
    let copy: unknown;
    try {
      copy = params === undefined ? {} : structuredClone(params);
    } catch {
      throw new UsageError(`${spec.name}: params must be plain JSON`);
    }
    return parseParams(spec.name, spec.schema, copy);
  };
  const defaults = deepFreeze(parse({}));
  for (const key of Object.keys(spec.tunable ?? {}))
    if (!(key in defaults))
      throw new UsageError(`${spec.name}: tunable parameter '${key}' is not one of its parameters`);
  const tunable = deepFreeze({ ...spec.tunable, budget: spec.tunable?.budget ?? BUDGET_TUNABLE });
  const factory: ModelFactory<P> = {
    name: spec.name,
    summary: spec.summary,
    source: spec.source,
    defaults,
    tunable,
    parseParams: parse,
    create: (params) => new Model(spec, parse(params)),
    load: (json) => {
      if (typeof json !== 'object' || json === null || typeof (json as ModelJSON).name !== 'string')
        throw new UsageError(
          `${spec.name}.load: expected {"name": ..., "params": {...}}, got ${JSON.stringify(json)}`,
        );
      const { name, params } = json as ModelJSON;
      if (name !== spec.name)
        throw new UsageError(`${spec.name}.load: this is the JSON of a '${name}' model`);
      return new Model(spec, parse(params));
    },
  };
  if (spec.fastScorer) factory.fastScorer = spec.fastScorer;
  return factory;
}
