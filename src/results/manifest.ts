import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isDay } from '../util/dates.js';
import { VERSION } from '../version.js';
import type { SkippedTarget } from './rows.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The git commit of the code (and whether the tree had changes), or nulls outside a git checkout. */
export function gitInfo(): { commit: string | null; dirty: boolean | null } {
  try {
    const opts = {
      cwd: here,
      stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[],
      encoding: 'utf8' as const,
    };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

export function packageVersions(): Record<string, string> {
  const pkg = require('../package.json') as { dependencies?: Record<string, string> };
  const out: Record<string, string> = { aiplab: VERSION, node: process.version };
  for (const name of Object.keys(pkg.dependencies ?? {}).sort()) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = pkg.dependencies![name]!;
    }
  }
  return out;
}

/** What produced a result: the git commit and the package versions (recorded in every manifest and partial). */
export function provenance(): {
  git: { commit: string | null; dirty: boolean | null };
  versions: Record<string, string>;
} {
  return { git: gitInfo(), versions: packageVersions() };
}

/** The dataset as a results manifest records it. */
export interface ResultsDataset {
  dir: string;
  fingerprint: string;
  /** What the fingerprint hashes: the dataset's manifest.json, or its day files. */
  fingerprintOf: string;
  /** Absent for a dataset without days. */
  firstDay?: string;
  lastDay?: string;
  days: number;
  missingDays: string[];
}

/** manifest.json of a results folder (DESIGN §6): everything needed to say what was run, on what, with what. */
export interface ResultsManifest<E = ResultsExperiment> {
  aiplab: string;
  /** The resolved experiment: every default filled. */
  experiment: E;
  dataset: ResultsDataset;
  git: { commit: string | null; dirty: boolean | null };
  versions: Record<string, string>;
  seed: number;
  startedAt: string;
  command: string[] | null;
  days: number;
  scoredDays: number;
  skipped: SkippedTarget[];
  knownIps: number;
  /**
   * Labels of the models whose lists are sets (BacktestRun.unrankedModels): their numeric and matched budget rows are
   * cuts of a set list (members in the tie order), not rankings. Absent in folders written before it was recorded.
   */
  unrankedModels: string[];
  warnings: { message: string; count: number }[];
  timings: {
    totalMs: number;
    foldMs: number;
    truthMs: number;
    scoreMs: number;
    analysisMs: number;
    rankMs: Record<string, number>;
  };
  /** The result files beside manifest.json. */
  files: string[];
  /** Only in a folder `aiplab merge` made of shards: which shards, and each one's provenance and timings. */
  merged?: unknown;
  /** Only when the experiment names sensors: each side's sensors (BacktestRun.sensors). */
  sensors?: { train: string[]; truth: string[] };
  /** Only in the folder of a held-out sensor of a leave-one-sensor-out run: `leave-one-sensor-out`. */
  mode?: string;
  /** The held-out sensor, with `mode`. */
  heldOut?: string;
}

// Only what readers of a results folder rely on is checked; other keys pass through, so a manifest written by a
// later version with more in it still reads.
/** The experiment as a results manifest must hold it: what readers of a results folder rely on. */
const experimentSchema = z
  .object({
    id: z.string(),
    version: z.number(),
    dataset: z.union([z.string(), z.object({ synth: z.record(z.unknown()) }).passthrough()]),
    from: z.string().refine(isDay, 'expected a date YYYY-MM-DD'),
    to: z.string().refine(isDay, 'expected a date YYYY-MM-DD'),
    models: z
      .array(z.object({ name: z.string(), label: z.string(), params: z.record(z.unknown()) }).passthrough())
      .min(1),
    budgets: z
      .array(
        z.union([
          z.number().int().min(1),
          z.literal('natural'),
          z.object({ sizeOf: z.string().min(1), share: z.number().positive() }).passthrough(),
        ]),
      )
      .min(1),
    metrics: z.array(z.string()),
    horizons: z.array(z.number().int().min(0)),
    seed: z.number(),
    bootstrap: z.object({ resamples: z.number(), level: z.number().gt(0).lt(1) }).passthrough(),
  })
  .passthrough();

/** The experiment of a results manifest, as read back: the keys readers rely on (others pass through). */
export type ResultsExperiment = z.infer<typeof experimentSchema>;

export const manifestSchema = z
  .object({
    aiplab: z.string(),
    experiment: experimentSchema,
    dataset: z
      .object({
        dir: z.string(),
        fingerprint: z.string(),
        fingerprintOf: z.string(),
        firstDay: z.string().optional(),
        lastDay: z.string().optional(),
        days: z.number(),
        missingDays: z.array(z.string()).default([]),
      })
      .passthrough(),
    git: z
      .object({ commit: z.string().nullable(), dirty: z.boolean().nullable() })
      .default({ commit: null, dirty: null }),
    versions: z.record(z.string()).default({}),
    seed: z.number(),
    startedAt: z.string(),
    command: z.array(z.string()).nullable().default(null),
    days: z.number(),
    scoredDays: z.number(),
    skipped: z.array(z.object({ date: z.string(), horizon: z.number(), reason: z.string() })).default([]),
    knownIps: z.number(),
    // Folders written before set lists were recorded have no marks (their set cuts were ordered by IP anyway).
    unrankedModels: z.array(z.string()).default([]),
    warnings: z.array(z.object({ message: z.string(), count: z.number() })).default([]),
    timings: z.object({ totalMs: z.number() }).passthrough(),
    files: z.array(z.string()).default([]),
  })
  .passthrough();
