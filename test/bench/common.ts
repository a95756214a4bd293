import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Generated benchmark inputs and outputs (git-ignored). */
export const BENCH_DIR = process.env.AIPLAB_BENCH_DIR ?? join(ROOT, '.bench');

export interface BenchLine {
  name: string;
  value: string;
  /** Whether a stated target was met, when the line has one. */
  ok?: boolean;
}
