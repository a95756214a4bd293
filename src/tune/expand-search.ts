import { type RandomGenerator, xoroshiro128plus } from 'pure-rand';
import type { DecayJSON } from '../models/decay/decay-function.js';
import { createDecay } from '../models/decay/registry.js';
import { UsageError } from '../util/errors.js';
import {
  MAX_GRID_CONFIGS,
  type ResolvedDimension,
  type SpaceEntry,
  type TuneSearch,
} from './tune-experiment.js';

/** The searched params of one config (a weight vector normalised to sum 1, a decay with every param filled); a param
 * not searched keeps the base model's value. */
export type SearchPoint = Record<string, unknown>;

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

/** Weight vectors come out of the search raw; this marks one to normalise (or drop, if all zero). */
const RAW_WEIGHTS = Symbol('raw weights');
type RawWeights = { [RAW_WEIGHTS]: number[] };

/** The values one entry can take in a grid, in order. */
function gridOptions(key: string, entry: SpaceEntry): unknown[] {
  switch (entry.kind) {
    case 'number':
      return gridValues(entry.dimension, entry.integer);
    case 'enum':
      return entry.values;
    case 'weights':
      return cartesian(entry.dimensions.map((d) => gridValues(d, false))).map(
        (w): RawWeights => ({ [RAW_WEIGHTS]: w }),
      );
    case 'decay':
      return entry.functions.flatMap((f, i) => {
        const names = Object.keys(f.params);
        return cartesian(names.map((n) => gridValues(f.params[n]!, false))).map((values) =>
          decaySpec(f.name, Object.fromEntries(names.map((n, j) => [n, values[j]!])), `${key}[${i}]`),
        );
      });
  }
}

/** One random draw of an entry; the draws of one config always come in the space's order. */
function drawOption(key: string, entry: SpaceEntry, g: RandomGenerator): unknown {
  switch (entry.kind) {
    case 'number':
      return drawValue(entry.dimension, entry.integer, g);
    case 'enum':
      return entry.values[Math.floor(uniform(g) * entry.values.length)]!;
    case 'weights':
      return { [RAW_WEIGHTS]: entry.dimensions.map((d) => drawValue(d, false, g)) } satisfies RawWeights;
    case 'decay': {
      const i = Math.floor(uniform(g) * entry.functions.length);
      const f = entry.functions[i]!;
      const params = Object.fromEntries(
        Object.entries(f.params).map(([n, d]) => [n, drawValue(d, false, g)]),
      );
      return decaySpec(f.name, params, `${key}[${i}]`);
    }
  }
}

/**
 * The configs of a search, in a fixed order: every combination of the space's values (`grid`; the first searched
 * parameter varies fastest), or `samples` draws of pure-rand's xoroshiro128+ seeded with `seed` (`random`; never
 * Math.random, so a seed fixes every config; each config draws its parameters in the space's order, a weight vector
 * one weight per name). Weight vectors are normalised to sum 1; all-zero vectors are skipped and counted, as are
 * duplicates (e.g. weights [1, 1] and [2, 2], or a random draw repeated).
 */
export function expandSearch(search: TuneSearch, seed: number): ExpandedSearch {
  const keys = Object.keys(search.space);
  const entries = keys.map((k) => search.space[k]!);
  const raw: unknown[][] = [];
  if (search.method === 'grid') {
    const options = keys.map((k, i) => gridOptions(k, entries[i]!));
    const size = options.reduce((n, o) => n * o.length, 1);
    if (size > MAX_GRID_CONFIGS)
      throw new UsageError(
        `search.space: the grid has ${size} configs (more than ${MAX_GRID_CONFIGS}); use fewer values or a random search`,
      );
    // The last parameter outermost, the first innermost (varies fastest).
    const combos = cartesian([...options].reverse()).map((c) => c.reverse());
    raw.push(...combos);
  } else {
    const g = xoroshiro128plus(seed | 0);
    for (let i = 0; i < 32; i++) g.unsafeNext(); // its first outputs echo the seed
    for (let s = 0; s < (search.samples ?? 0); s++)
      raw.push(keys.map((k, i) => drawOption(k, entries[i]!, g)));
  }

  let zeroWeights = 0;
  let duplicates = 0;
  const seen = new Set<string>();
  const configs: SearchPoint[] = [];
  for (const values of raw) {
    const point: SearchPoint = {};
    let dropped = false;
    keys.forEach((k, i) => {
      const v = values[i];
      if (typeof v === 'object' && v !== null && RAW_WEIGHTS in v) {
        const w = normalizeWeights((v as RawWeights)[RAW_WEIGHTS]);
        if (w === undefined) dropped = true;
        else point[k] = w;
      } else point[k] = v;
    });
    if (dropped) {
      zeroWeights++;
      continue;
    }
    const key = JSON.stringify(keys.map((k) => point[k]));
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    configs.push(point);
  }
  return Object.assign(configs, { skipped: { zeroWeights, duplicates } });
}
