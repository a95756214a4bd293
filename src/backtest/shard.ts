import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DataError, UsageError } from '../util/errors.js';
import { sha256 } from '../util/sha256.js';
import { VERSION } from '../version.js';
import { WarningCounts } from './warning-counts.js';

/** `--shard i/N`: this process is shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Parses `i/N` (1 <= i <= N); anything else is a usage error naming the flag. */
export function parseShard(text: string, flag = '--shard'): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !(count >= 1) || !(index >= 1 && index <= count) || count > 100_000)
    throw new UsageError(`${flag} must be i/N with 1 <= i <= N (e.g. 2/8), not '${text}'`);
  return { index, count };
}

/**
 * The units of shard i of N: contiguous blocks in unit order, the first `units mod N` shards one unit longer, so a
 * model's budgets (or a config's folds) stay in one shard wherever a block boundary allows and are ranked there once.
 * Returns the half-open range [start, end). A shard with no unit is a usage error: it would fold the knowledge base
 * for nothing.
 */
export function shardUnits(units: number, shard: ShardSpec, what: string): { start: number; end: number } {
  if (shard.count > units)
    throw new UsageError(
      `--shard ${shard.index}/${shard.count}: only ${units} ${what} to split, so at most ${units} shards`,
    );
  const base = Math.floor(units / shard.count);
  const extra = units % shard.count;
  const i = shard.index - 1;
  const start = i * base + Math.min(i, extra);
  return { start, end: start + base + (i < extra ? 1 : 0) };
}

/** A results value in a partial file: a number, or its text where JSON has none (NaN, ±Infinity, -0). */
export function encodeValue(x: number): number | string {
  return Number.isFinite(x) && !Object.is(x, -0) ? x : String(Object.is(x, -0) ? '-0' : x);
}

export function decodeValue(v: number | string): number {
  return typeof v === 'number' ? v : v === '-0' ? -0 : Number(v);
}

/** sha256 of a resolved experiment as JSON: shards of the same experiment agree on it. */
export function experimentSha256(experiment: unknown): string {
  return sha256(JSON.stringify(experiment));
}

/**
 * A warning as a shard keeps it: the raw message, where it first came (the list day, the unit's position in the
 * day's order, its rank among that call's warnings) and how often. Merging shards' entries sorted by that position
 * replays the warnings in the order one run would have met them.
 */
export type WarningEntry = [day: number, at: number, seq: number, message: string, count: number];

/** Collects a shard's warnings as WarningEntry rows (a raw message carries its date, so there are few). */
export class WarningLog {
  readonly #entries = new Map<string, WarningEntry>();
  #call = '';
  #seq = 0;

  add(day: number, at: number, message: string): void {
    const call = `${day}/${at}`;
    if (call !== this.#call) {
      this.#call = call;
      this.#seq = 0;
    }
    const e = this.#entries.get(message);
    if (e) e[4]++;
    else this.#entries.set(message, [day, at, this.#seq, message, 1]);
    this.#seq++;
  }

  entries(): WarningEntry[] {
    return [...this.#entries.values()];
  }
}

/** The shards' warnings as one run gives them (WarningCounts: distinct, counted, in first-seen order). */
export function replayWarnings(entries: WarningEntry[]): { message: string; count: number }[] {
  const sorted = [...entries].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const counts = new WarningCounts();
  for (const e of sorted) for (let k = 0; k < e[4]; k++) counts.add(e[3]);
  return counts.list();
}

/** Marks a partial file (and its version) so a merge knows what it reads. */
export const PARTIAL_FORMAT = 'aiplab-partial';
export const PARTIAL_VERSION = 1;

/** What every backtest and tune partial starts with: what it is a part of, and what made it. */
export interface PartialHeader {
  format: typeof PARTIAL_FORMAT;
  version: number;
  kind: 'backtest' | 'tune';
  shard: ShardSpec;
  experimentId: string;
  experimentSha256: string;
  /** This shard's units: [start, end) of `total`, in unit order. */
  units: { total: number; start: number; end: number };
  aiplab: string;
  git: { commit: string | null; dirty: boolean | null };
  versions: Record<string, string>;
  startedAt: string;
  command: string[] | null;
}

/** `shard-2-of-8.json`: the file a shard writes into `<out>/<id>/`. */
export function partialFileName(shard: ShardSpec): string {
  return `shard-${shard.index}-of-${shard.count}.json`;
}

/** Writes a partial atomically (a rerun of a failed shard replaces its file; a killed one leaves none). */
export async function writePartial(path: string, partial: PartialHeader): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(partial)}\n`);
}

/** Reads a partial file; a file that is not one is a data error naming it. */
export async function readPartial<T extends PartialHeader>(path: string): Promise<T> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DataError(`not a readable partial result: ${(error as Error).message.split('\n')[0]}`, {
      file: path,
    });
  }
  const p = data as Partial<PartialHeader>;
  if (p?.format !== PARTIAL_FORMAT || typeof p.kind !== 'string')
    throw new DataError(`not an aiplab partial result (no "format": "${PARTIAL_FORMAT}")`, { file: path });
  if (p.version !== PARTIAL_VERSION)
    throw new DataError(`partial format version ${p.version}; this aiplab reads ${PARTIAL_VERSION}`, {
      file: path,
    });
  return data as T;
}

/**
 * Checks that partials are the N shards of one run: one kind, one experiment (same resolved experiment, sha256),
 * the same aiplab version and git commit, every shard 1..N exactly once, each with the units the split gives it.
 * Returns them in shard order. Errors name the files and the shards missing or given twice.
 */
export function checkShards<T extends PartialHeader>(partials: { path: string; partial: T }[]): T[] {
  if (partials.length === 0) throw new UsageError('merge: no partial given');
  const [first] = partials;
  const name = (p: PartialHeader) => `${p.experimentId} (sha256 ${p.experimentSha256.slice(0, 12)})`;
  for (const { path, partial } of partials) {
    if (partial.kind !== first!.partial.kind)
      throw new UsageError(
        `merge: ${path} is a ${partial.kind} partial, ${first!.path} a ${first!.partial.kind} partial`,
      );
    if (partial.experimentSha256 !== first!.partial.experimentSha256)
      throw new UsageError(
        `merge: partials of different experiments: ${first!.path} is of ${name(first!.partial)}, ${path} of ${name(partial)}`,
      );
    if (partial.shard.count !== first!.partial.shard.count)
      throw new UsageError(
        `merge: ${first!.path} is shard ${first!.partial.shard.index}/${first!.partial.shard.count}, ${path} shard ${partial.shard.index}/${partial.shard.count}: one run's shards share N`,
      );
    if (partial.aiplab !== first!.partial.aiplab)
      throw new UsageError(
        `merge: ${path} was made by aiplab ${partial.aiplab}, ${first!.path} by ${first!.partial.aiplab}`,
      );
    const [a, b] = [partial.git.commit, first!.partial.git.commit];
    if (a !== null && b !== null && a !== b)
      throw new UsageError(
        `merge: ${path} was made at commit ${a.slice(0, 12)}, ${first!.path} at ${b.slice(0, 12)}: shards must run the same code`,
      );
  }
  const count = first!.partial.shard.count;
  const byIndex = new Map<number, string>();
  for (const { path, partial } of partials) {
    const seen = byIndex.get(partial.shard.index);
    if (seen !== undefined)
      throw new UsageError(
        `merge: shard ${partial.shard.index}/${count} is given twice: ${seen} and ${path}`,
      );
    byIndex.set(partial.shard.index, path);
  }
  const missing: string[] = [];
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) missing.push(`${i}/${count}`);
  if (missing.length > 0)
    throw new UsageError(
      `merge: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${first!.partial.experimentId} missing (given: ${[
        ...byIndex.keys(),
      ]
        .sort((x, y) => x - y)
        .map((i) => `${i}/${count}`)
        .join(', ')}): every shard is needed`,
    );
  const ordered = [...partials].sort((x, y) => x.partial.shard.index - y.partial.shard.index);
  for (const { path, partial } of ordered) {
    const want = shardUnits(partial.units.total, partial.shard, 'units');
    if (partial.units.start !== want.start || partial.units.end !== want.end)
      throw new UsageError(
        `merge: ${path} holds units ${partial.units.start}..${partial.units.end - 1}, but shard ${partial.shard.index}/${count} of ${partial.units.total} units is ${want.start}..${want.end - 1}`,
      );
  }
  return ordered.map((p) => p.partial);
}

/** The header fields a shard writes, from what it ran. */
export function partialHeader(
  kind: PartialHeader['kind'],
  shard: ShardSpec,
  experiment: { id: string },
  units: PartialHeader['units'],
  made: { git: PartialHeader['git']; versions: Record<string, string>; startedAt: Date; command?: string[] },
): PartialHeader {
  return {
    format: PARTIAL_FORMAT,
    version: PARTIAL_VERSION,
    kind,
    shard,
    experimentId: experiment.id,
    experimentSha256: experimentSha256(experiment),
    units,
    aiplab: VERSION,
    git: made.git,
    versions: made.versions,
    startedAt: made.startedAt.toISOString(),
    command: made.command ?? null,
  };
}
