/**
 * Fuzz: experiment files. Random JSON, random text and mutated real experiments either resolve or give a UsageError
 * (one line naming the file); never another exception. A resolved experiment written back as JSON resolves to
 * itself, so what the reader accepts it can give back.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExperimentData, resolveExperiment } from '../../src/backtest/experiment.js';
import { readTuneExperiment } from '../../src/tune/tune-experiment.js';
import { UsageError } from '../../src/util/errors.js';
import { fuzzRuns, ROOT } from '../helpers.js';

const BASELINE = JSON.parse(readFileSync(join(ROOT, 'experiments/aip-baseline.json'), 'utf8')) as Record<
  string,
  unknown
>;
const TUNE = JSON.parse(readFileSync(join(ROOT, 'experiments/tune-pc-cowrie.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** Either the value, or the UsageError it raised (anything else fails the property). */
function outcome<T>(f: () => T): T | UsageError {
  try {
    return f();
  } catch (error) {
    if (!(error as Error).message) throw error;
    expect(error, (error as Error).stack).toBeInstanceOf(UsageError);
    expect((error as Error).message).not.toContain('\n');
    return error as UsageError;
  }
}

/** A value at a random path of a JSON object replaced, deleted, or a key added. */
function mutated(base: Record<string, unknown>) {
  return fc
    .tuple(
      fc.nat(),
      fc.nat(),
      fc.constantFrom('replace', 'delete', 'add'),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom(1e308, -1, 0, 1.5, '2024-02-30', '', 'natural', [], {}, null, 2 ** 53),
      ),
    )
    .map(([a, b, op, value]) => {
      const copy = structuredClone(base) as Record<string, unknown>;
      // Walk down at most two levels by the random numbers.
      let node: unknown = copy;
      for (const pick of [a, b]) {
        const keys = node !== null && typeof node === 'object' ? Object.keys(node) : [];
        if (keys.length === 0) break;
        const key = keys[pick % keys.length]!;
        const child = (node as Record<string, unknown>)[key];
        if (child === null || typeof child !== 'object' || pick % 3 === 0) {
          const target = node as Record<string, unknown>;
          if (op === 'delete') delete target[key];
          else if (op === 'add') target[`${key}_x`] = value;
          else target[key] = value;
          return copy;
        }
        node = child;
      }
      return copy;
    });
}

describe('fuzz: experiment files', () => {
  it('any JSON value resolves or is a one-line UsageError', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        outcome(() => resolveExperiment(value, 'exp.json', ROOT));
      }),
      { seed: 3, numRuns: fuzzRuns(300) },
    );
  });

  let resolved = 0;
  let refused = 0;
  it('mutated real experiments resolve or are UsageErrors, and a resolved one written back resolves to itself', () => {
    fc.assert(
      fc.property(mutated(BASELINE), (input) => {
        const got = outcome(() => resolveExperiment(input, 'exp.json', join(ROOT, 'experiments')));
        if (got instanceof UsageError) {
          refused++;
          return;
        }
        resolved++;
        const again = resolveExperiment(JSON.parse(JSON.stringify(got)), 'again.json', '/');
        expect(again).toEqual(got);
      }),
      { seed: 4, numRuns: fuzzRuns(300) },
    );
    expect(resolved).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  describe('files', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'aiplab-exp-fuzz-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('random and mutated experiment and tuning files (JSON and YAML) read or give a UsageError', async () => {
      const text = fc.oneof(
        fc.string({ maxLength: 60 }),
        mutated(BASELINE).map((o) => JSON.stringify(o)),
        mutated(TUNE).map((o) => JSON.stringify(o)),
        mutated(BASELINE).map((o) => JSON.stringify(o).slice(0, 40)),
      );
      await fc.assert(
        fc.asyncProperty(text, fc.constantFrom('json', 'yaml'), async (t, ext) => {
          const path = join(dir, `exp.${ext}`);
          await writeFile(path, t);
          for (const read of [readExperimentData, readTuneExperiment]) {
            try {
              await read(path);
            } catch (error) {
              expect(error, (error as Error).stack).toBeInstanceOf(UsageError);
            }
          }
        }),
        { seed: 5, numRuns: fuzzRuns(150) },
      );
    });
  });
});
