/**
 * docs/models.md and docs/metrics.md are generated from the registries (src/cli/registry-docs.ts, `npm run docs`):
 * this test fails when a file on disk differs from what the registries say now, and when a built-in metric carries no
 * formula.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiDoc, apiSections } from '../../src/cli/api-doc.js';
import { headingAnchor, metricsDoc, metricsWithoutFormula, modelsDoc } from '../../src/cli/registry-docs.js';
import * as api from '../../src/index.js';
import { BUILTIN_METRICS } from '../../src/metrics/builtin.js';
import { defineMetric, registerMetric } from '../../src/metrics/index.js';
import { decayNames, getModel, modelNames } from '../../src/models/index.js';
import { ROOT } from '../helpers.js';

/** The first line where two texts differ, for a message short enough to read. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i++)
    if (a[i] !== e[i])
      return `line ${i + 1}:\n  on disk:   ${a[i] ?? '(end of file)'}\n  generated: ${e[i] ?? '(end of file)'}`;
  return 'no difference';
}

describe('generated docs', () => {
  for (const [file, generate] of [
    ['models.md', modelsDoc],
    ['metrics.md', metricsDoc],
  ] as const)
    it(`docs/${file} is what the registries say`, async () => {
      const onDisk = await readFile(join(ROOT, 'docs', file), 'utf8');
      const generated = generate();
      expect(
        onDisk === generated,
        `docs/${file} is stale: run \`npm run docs\` (first difference at ${firstDifference(onDisk, generated)})`,
      ).toBe(true);
    });

  it('docs/api.md is what src/index.ts exports', async () => {
    const index = await readFile(join(ROOT, 'src', 'index.ts'), 'utf8');
    const onDisk = await readFile(join(ROOT, 'docs', 'api.md'), 'utf8');
    const generated = apiDoc(index);
    expect(
      onDisk === generated,
      `docs/api.md is stale: run \`npm run docs\` (first difference at ${firstDifference(onDisk, generated)})`,
    ).toBe(true);
    // Every value the module really exports is listed under a section, and nothing else is.
    const listed = apiSections(index)
      .flatMap((s) => s.exports)
      .filter((e) => !e.type)
      .map((e) => e.name)
      .sort();
    expect(listed).toEqual(Object.keys(api).sort());
  });

  it('every built-in metric has a formula', () => {
    expect(BUILTIN_METRICS.length).toBeGreaterThan(30);
    const without = BUILTIN_METRICS.filter((m) => !m.formula?.trim()).map((m) => m.name);
    expect(without, `built-in metrics without a formula: ${without.join(', ')}`).toEqual([]);
    expect(metricsWithoutFormula()).toEqual(without);
  });

  it('docs/metrics.md has a section per registered metric, with its formula', () => {
    const doc = metricsDoc();
    for (const m of BUILTIN_METRICS) {
      expect(doc).toContain(`### \`${m.name}\`\n\n`);
      if (m.formula) expect(doc).toContain(`- formula: \`${m.formula}\``);
    }
  });

  it('docs/models.md has every model with its defaults, and every decay function', () => {
    const doc = modelsDoc();
    for (const name of modelNames()) {
      expect(doc).toContain(`### \`${name}\`\n\n${getModel(name).summary}`);
      for (const [param, value] of Object.entries(getModel(name).defaults))
        expect(doc).toContain(`| \`${param}\` | \`${JSON.stringify(value)}\` |`);
    }
    // Written out by hand: the decay params' defaults as JSON.
    expect(doc).toContain('| `hyperbolic` | `k / (k + d)` | `k` 2 |');
    expect(doc).toContain('| `exponential` | `0.5 ^ (d / halfLife)` | `halfLife` 7 |');
    for (const name of decayNames()) expect(doc).toContain(`| \`${name}\` |`);
  });

  it('anchors are those GitHub makes of a heading', () => {
    // Anchors GitHub rendered for headings of this repository (the README linked them before this test existed).
    expect(
      headingAnchor('Tuning (`aiplab tune <experiment> [--out results] [--cache .aiplab-cache] [-q]`)'),
    ).toBe('tuning-aiplab-tune-experiment---out-results---cache-aiplab-cache--q');
    expect(headingAnchor('What tune-pc-cowrie finds (and what the tie order did to it)')).toBe(
      'what-tune-pc-cowrie-finds-and-what-the-tie-order-did-to-it',
    );
    expect(headingAnchor('`Prioritize_Consistent`')).toBe('prioritize_consistent');
    expect(headingAnchor('Backtest metrics: AS concentration')).toBe('backtest-metrics-as-concentration');
  });

  // Last: it registers a metric into this file's registry.
  it('a metric registered after the docs were written makes them stale', async () => {
    const onDisk = await readFile(join(ROOT, 'docs', 'metrics.md'), 'utf8');
    registerMetric(
      defineMetric({
        name: 'zz_docs_probe',
        description: 'a probe',
        formula: 'TP + 1',
        higherIsBetter: true,
        compute: (f) => f.tp + 1,
      }),
    );
    const generated = metricsDoc();
    expect(generated).not.toBe(onDisk);
    expect(generated).toContain('### `zz_docs_probe`\n\na probe\n\n- formula: `TP + 1`');
  });
});
