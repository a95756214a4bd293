/**
 * writeReport on the hand-made results folder: report.html and a PNG per chart, every chart inlined as SVG, text from
 * the results escaped, no temporary files left, a second report replacing the first, and nothing written when the
 * results folder is bad.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, readResultsFolder, reportCharts, writeReport } from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { writeMiniResults } from './mini-results.js';
import { isPng, pngSize } from './png.js';

const dirs: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of dirs) await cleanup();
});

async function temp(): Promise<string> {
  const { dir, cleanup } = await tempDir('aiplab-write-report-');
  dirs.push(cleanup);
  return dir;
}

describe('writeReport', () => {
  it('writes report.html and charts/<name>.png into the results folder', async () => {
    const dir = await writeMiniResults(await temp());
    const names = reportCharts(await readResultsFolder(dir)).map((c) => c.name);
    const written = await writeReport(dir);
    expect(written).toEqual({
      dir,
      html: join(dir, 'report.html'),
      charts: names.map((n) => join(dir, 'charts', `${n}.png`)),
    });
    expect((await readdir(dir)).sort()).toEqual([
      'charts',
      'comparisons.csv',
      'manifest.json',
      'per_day.csv',
      'report.html',
      'summary.csv',
    ]);
    expect((await readdir(join(dir, 'charts'))).sort()).toEqual(names.map((n) => `${n}.png`).sort());
    for (const file of written.charts) {
      const png = await readFile(file);
      expect(isPng(png), file).toBe(true);
      // Scale 2: at least the chart's plot area, doubled.
      expect(pngSize(png).width).toBeGreaterThan(400);
    }

    const html = await readFile(written.html, 'utf8');
    for (const name of names) {
      const figure = new RegExp(`<figure class="chart" id="chart-${name}" data-chart="${name}"><svg[^>]*>`);
      expect(html, name).toMatch(figure);
      expect(html).toContain(`href="charts/${name}.png"`);
    }
    expect(html.match(/<svg /g)).toHaveLength(names.length);
    // Self-contained: no script, nothing fetched.
    expect(html).not.toMatch(/<script|<link|src="http|url\(http/i);
  });

  it('escapes text from the results and shows the run facts, tables and verdicts', async () => {
    const dir = await writeMiniResults(await temp());
    const html = await readFile((await writeReport(dir)).html, 'utf8');
    expect(html).toContain('hand-made &lt;results&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('Beta: a &lt;warning&gt;');
    expect(html).toContain('after the &lt;last&gt; day');
    expect(html).not.toMatch(/<results>|<warning>|<last>/);
    expect(html).toContain('<code>ab12</code> (sha-256 of manifest.json)');
    expect(html).toContain('<code>deadbeef</code>');
    expect(html).toContain('<code>aiplab backtest mini.json</code>');
    // Summary table: Alpha's recall at 10 is the best mean of its column (bold), Beta's at natural has no value.
    expect(html).toContain('<td class="num best">0.375 <span class="note">[0.250, 0.500]</span></td>');
    expect(html).toContain('<td class="num">0.200 <span class="note">[0.100, 0.300]</span></td>');
    expect(html).toContain('f1: 1 of 1 differences significant');
    expect(html).toContain('<td class="sig">Beta beats Alpha on f1 at budget 10');
    expect(html).toContain('90% CI');
  });

  it('--out elsewhere; a second report replaces the first; no temporary files left; svg on request', async () => {
    const results = await writeMiniResults(await temp());
    const out = join(await temp(), 'made', 'here');
    const first = await writeReport(results, { out, svg: true });
    expect(first.dir).toBe(out);
    expect(first.charts.filter((f) => f.endsWith('.svg'))).toHaveLength(first.charts.length / 2);
    expect((await readFile(first.charts.at(-1)!, 'utf8')).startsWith('<svg')).toBe(true);
    const second = await writeReport(results, { out, charts: { metrics: ['recall'], budgetMetrics: [] } });
    expect(second.charts.map((f) => basename(f))).toEqual([
      'data-overview.png',
      'paired-recall.png',
      'time-recall-10.png',
      'churn-10.png',
      'time-recall-natural.png',
    ]);
    // The charts of the first report are gone with it, and no .report-tmp-* or .report-old-* remains.
    expect((await readdir(join(out, 'charts'))).sort()).toEqual(second.charts.map((f) => basename(f)).sort());
    expect((await readdir(out)).sort()).toEqual(['charts', 'report.html']);
    expect((await readdir(results)).filter((f) => f.startsWith('.') || f === 'report.html')).toEqual([]);
  });

  it('a bad results folder writes nothing', async () => {
    const dir = await writeMiniResults(await temp(), { 'per_day.csv': 'date,model\n' });
    await expect(writeReport(dir)).rejects.toThrow(DataError);
    expect((await readdir(dir)).sort()).toEqual([
      'comparisons.csv',
      'manifest.json',
      'per_day.csv',
      'summary.csv',
    ]);
  });
});
