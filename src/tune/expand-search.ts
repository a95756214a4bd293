import { type RandomGenerator, xoroshiro128plus } from 'pure-rand';
import type { DecayJSON } from '../models/decay/decay-function.js';
import { createDecay } from '../models/decay/registry.js';
import type { Normalization } from '../models/prioritize.js';
import { UsageError } from '../util/errors.js';
import { MAX_GRID_CONFIGS, type ResolvedDimension, type TuneSearch } from './tune-experiment.js';

/** The searched parameters of one config; a parameter not searched keeps the base model's value. */
export interface SearchPoint {
  /** Normalised to sum 1. */
  weights?: number[];
  threshold?: number;
  minimum?: number;
  budget?: number;
  /** Every parameter of the decay function filled. */
  decay?: DecayJSON;
  normalization?: Normalization;
}

/** The configs of a search, with what was dropped on the way. */
export type ExpandedSearch = SearchPoint[] & {
  skipped: {
    /** Weight vectors that were all zero (nothing to normalise). */
    zeroWeights: number;
    /** Configs equal to an earlier one (after normalisation and rounding). */
    duplicates: number;
  };
};

/** A double uniform in [0, 1) from 53 random bits of pure-rand's xoroshiro128+. */
function uniform(g: RandomGenerator): number {
  const hi = g.unsafeNext() >>> 5; // 27 bits
  const lo = g.unsafeNext() >>> 6; // 26 bits
  return (hi * 67_108_864 + lo) / 9_007_199_254_740_992;
}

function gridValues(d: ResolvedDimension, integer: boolean): number[] {
  let values: number[];
  if ('values' in d) values = d.values;
  else if (d.min === d.max || d.steps === 1 || d.steps === undefined) values = [d.min];
  else {
    const n = d.steps;
    values = [];
    for (let i = 0; i < n; i++) {
      // End points exact: min and max themselves, not exp(log(min)) or min + (max - min) rounded.
      if (i === 0) values.push(d.min);
      else if (i === n - 1) values.push(d.max);
      else if (d.scale === 'log')
        values.push(Math.exp(Math.log(d.min) + ((Math.log(d.max) - Math.log(d.min)) * i) / (n - 1)));
      else values.push(d.min + ((d.max - d.min) * i) / (n - 1));
    }
  }
  const out = integer ? values.map(Math.round) : values;
  return [...new Set(out)];
}

function drawValue(d: ResolvedDimension, integer: boolean, g: RandomGenerator): number {
  let v: number;
  if ('values' in d) v = d.values[Math.floor(uniform(g) * d.values.length)]!;
  else if (d.scale === 'log')
    v = Math.exp(Math.log(d.min) + uniform(g) * (Math.log(d.max) - Math.log(d.min)));
  else v = d.min + uniform(g) * (d.max - d.min);
  return integer ? Math.round(v) : v;
}

function normalizeWeights(raw: number[]): number[] | undefined {
  let sum = 0;
  for (const w of raw) sum += w;
  if (!(sum > 0)) return undefined;
  return raw.map((w) => w / sum);
}

function cartesian<T>(lists: T[][]): T[][] {
  let out: T[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

function decaySpec(name: string, params: Record<string, number>, where: string): DecayJSON {
  try {
    return createDecay({ name, ...params }).toJSON();
  } catch (error) {
    throw new UsageError(`search.space.${where}: ${(error as Error).message}`);
  }
}

/** Canonical text of a point: equal configs give equal keys. */
function keyOf(p: SearchPoint): string {
  return JSON.stringify([p.weights, p.threshold, p.minimum, p.budget, p.decay, p.normalization]);
}

/**
 * The configs of a search, in a fixed order: every combination of the space's values (`grid`), or `samples` draws of
 * pure-rand's xoroshiro128+ seeded with `seed` (`random`; never Math.random, so a seed fixes every config). Weight
 * vectors are normalised to sum 1; all-zero vectors are skipped and counted, as are duplicates (e.g. weights [1, 1]
 * and [2, 2], or a random draw repeated).
 */
export function expandSearch(search: TuneSearch, seed: number): ExpandedSearch {
  const { space } = search;
  const decays = space.decay ?? [];
  const raw: { point: SearchPoint | undefined }[] = [];
  let zeroWeights = 0;
  const finish = (weights: number[] | undefined, rest: Omit<SearchPoint, 'weights'>): void => {
    const point: SearchPoint = {};
    if (weights !== undefined) {
      const w = normalizeWeights(weights);
      if (w === undefined) {
        zeroWeights++;
        return;
      }
      point.weights = w;
    }
    Object.assign(point, rest);
    raw.push({ point });
  };
  const scalarKeys = (['threshold', 'minimum', 'budget'] as const).filter((k) => space[k] !== undefined);
  const isInteger = (k: string) => k === 'minimum' || k === 'budget';

  if (search.method === 'grid') {
    const weightLists = space.weights?.map((d) => gridValues(d, false));
    const scalarLists = scalarKeys.map((k) => gridValues(space[k]!, isInteger(k)));
    const decayOptions: (DecayJSON | undefined)[] =
      decays.length === 0
        ? [undefined]
        : decays.flatMap((entry, i) => {
            const names = Object.keys(entry.params);
            return cartesian(names.map((n) => gridValues(entry.params[n]!, false))).map((values) =>
              decaySpec(entry.name, Object.fromEntries(names.map((n, j) => [n, values[j]!])), `decay[${i}]`),
            );
          });
    const norms = space.normalization ?? [undefined];
    let size = decayOptions.length * norms.length;
    for (const l of [...(weightLists ?? []), ...scalarLists]) size *= l.length;
    if (size > MAX_GRID_CONFIGS)
      throw new UsageError(
        `search.space: the grid has ${size} configs (more than ${MAX_GRID_CONFIGS}); use fewer values or a random search`,
      );
    const weightVectors = weightLists ? cartesian(weightLists) : [undefined];
    for (const normalization of norms)
      for (const decay of decayOptions)
        for (const scalars of cartesian(scalarLists))
          for (const weights of weightVectors) {
            const rest: Omit<SearchPoint, 'weights'> = {};
            scalarKeys.forEach((k, i) => {
              rest[k] = scalars[i]!;
            });
            if (decay !== undefined) rest.decay = decay;
            if (normalization !== undefined) rest.normalization = normalization;
            finish(weights, rest);
          }
  } else {
    const g = xoroshiro128plus(seed | 0);
    for (let i = 0; i < 32; i++) g.unsafeNext(); // its first outputs echo the seed
    for (let s = 0; s < (search.samples ?? 0); s++) {
      // Always draw in the same order (weights, scalars, decay, normalization) so one seed gives one sequence.
      const weights = space.weights?.map((d) => drawValue(d, false, g));
      const rest: Omit<SearchPoint, 'weights'> = {};
      for (const k of scalarKeys) rest[k] = drawValue(space[k]!, isInteger(k), g);
      if (decays.length > 0) {
        const i = Math.floor(uniform(g) * decays.length);
        const entry = decays[i]!;
        const params = Object.fromEntries(
          Object.entries(entry.params).map(([n, d]) => [n, drawValue(d, false, g)]),
        );
        rest.decay = decaySpec(entry.name, params, `decay[${i}]`);
      }
      if (space.normalization)
        rest.normalization = space.normalization[Math.floor(uniform(g) * space.normalization.length)]!;
      finish(weights, rest);
    }
  }

  const seen = new Set<string>();
  const configs: SearchPoint[] = [];
  let duplicates = 0;
  for (const { point } of raw) {
    const key = keyOf(point!);
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    configs.push(point!);
  }
  return Object.assign(configs, { skipped: { zeroWeights, duplicates } });
}
