/**
 * What a tuning search may vary in a model (issue 10, "Tuning for any model"): each model declares its tunable
 * params and their domains next to its schema. Seeds, dates and engine choices are never tunable: they change what
 * is computed, not how well a model predicts. A search (`aiplab tune`) may narrow a domain or take it whole (`true`).
 */
export type TunableParam =
  | {
      kind: 'number';
      /** Domain: values outside [min, max] are refused by the search. */
      min: number;
      max: number;
      /** How a random search draws and a grid spaces the range. @default 'linear' */
      scale?: 'linear' | 'log';
      /** Whole numbers only (drawn values are rounded). @default false */
      integer?: boolean;
      /**
       * Values a whole-domain search (`true`) tries instead of the range, e.g. the EWMA half-lives the knowledge base
       * keeps. @default the range
       */
      values?: readonly number[];
      /** Only the model's natural list depends on it (a list rule's threshold): no effect on a top-K objective. */
      listRule?: boolean;
      /** One line: what it changes. */
      doc?: string;
    }
  | {
      kind: 'enum';
      values: readonly (string | number | boolean | null)[];
      listRule?: boolean;
      doc?: string;
    }
  | {
      /** A weight vector, one weight per name, each >= 0, normalised to sum 1 by the search. */
      kind: 'weights';
      names: readonly string[];
      doc?: string;
    }
  | {
      /** A decay function of the decay registry with its own params (the search names the functions). */
      kind: 'decay';
      doc?: string;
    };

/** The tunable params of a model, in the order a search draws them. */
export type TunableParams = Readonly<Record<string, TunableParam>>;

/**
 * `budget`, the top-K cut every model has: tunable for any model, for a natural-list objective (it is what a budget
 * objective fixes).
 */
export const BUDGET_TUNABLE: TunableParam = {
  kind: 'number',
  min: 1,
  max: 1_000_000,
  scale: 'log',
  integer: true,
  listRule: true,
  doc: 'keep the top K instead of the model’s own list rule',
};

/** The probability threshold of a classifier's natural list (it lists the IPs above it): shared by the tree models. */
export const PROBABILITY_THRESHOLD_TUNABLE: TunableParam = {
  kind: 'number',
  min: 0.05,
  max: 0.95,
  listRule: true,
  doc: 'probability above which an IP is listed',
};
