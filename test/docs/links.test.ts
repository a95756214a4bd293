/**
 * The docs hold together: every relative link of README.md, docs/*.md, experiments/README.md and notebooks/README.md
 * points at an existing file or folder, and at an existing heading when it names one (`file.md#anchor`, GitHub's
 * anchors); the README stays short (issue 14: under 12 KB).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingAnchor } from '../../src/cli/registry-docs.js';
import { ROOT } from '../helpers.js';
import { skipBecause } from '../skip-reasons.js';

const PAGES = [
  'README.md',
  'experiments/README.md',
  'notebooks/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((n) => n.endsWith('.md'))
    .map((n) => `docs/${n}`),
];

/** Markdown without fenced code blocks and code spans (a link inside code is no link). */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchors of a page's headings, as GitHub makes them (a repeated one gets -1, -2, …), and explicit ids. */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const noCode = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of noCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = headingAnchor(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]!);
  return out;
}

interface Link {
  page: string;
  target: string;
  /** The file or folder it points at, absolute. */
  path: string;
  anchor: string | undefined;
}

/** The relative links of a page (`[text](target)`, no scheme), resolved from the page's folder. */
function links(page: string, text: string): Link[] {
  const out: Link[] = [];
  for (const m of prose(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const hash = target.indexOf('#');
    const file = hash < 0 ? target : target.slice(0, hash);
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const path = file === '' ? page : resolve(dirname(page), decodeURIComponent(file));
    out.push({ page, target, path, anchor });
  }
  return out;
}

/** What is wrong with a link, or undefined. */
function brokenBecause(link: Link): string | undefined {
  if (!existsSync(link.path)) return 'no such file';
  if (link.anchor === undefined || link.anchor === '') return undefined;
  if (statSync(link.path).isDirectory() || !link.path.endsWith('.md')) return undefined;
  return anchors(readFileSync(link.path, 'utf8')).has(link.anchor) ? undefined : 'no such heading';
}

function broken(pages: readonly string[], outside: boolean): string[] {
  const out: string[] = [];
  for (const page of pages) {
    const abs = join(ROOT, page);
    for (const link of links(abs, readFileSync(abs, 'utf8'))) {
      if (relative(ROOT, link.path).startsWith('..') !== outside) continue;
      const why = brokenBecause(link);
      if (why) out.push(`${page}: (${link.target}): ${why}`);
    }
  }
  return out;
}

describe('links in the docs', () => {
  it('finds the pages', () => {
    for (const page of ['README.md', 'docs/README.md', 'docs/cli.md', 'docs/models.md', 'docs/metrics.md'])
      expect(PAGES).toContain(page);
  });

  it('every relative link inside the repository points at a file, and at a heading when it names one', () => {
    expect(broken(PAGES, false)).toEqual([]);
  });

  it.skipIf(
    skipBecause(
      import.meta.url,
      !existsSync(join(ROOT, '..', 'shared')) && 'needs ../shared beside the checkout (DESIGN.md, the data)',
    ),
  )('links out of the repository (../shared) point at files', () => {
    expect(broken(PAGES, true)).toEqual([]);
  });

  it('catches a missing file, a missing heading, and not a link in code', () => {
    const page = join(ROOT, 'docs', 'probe.md');
    const text = [
      '# Probe',
      '## Twice',
      '## Twice',
      'See [cli](cli.md#aiplab-backtest), [gone](cli.md#no-such-part), [nothing](nothing.md),',
      '[self](#probe), [second](#twice-1), [third](#twice-2), [out](https://example.org/x.md), `[code](nope.md)`.',
      '```',
      '[fenced](nope.md)',
      '```',
    ].join('\n');
    const found = links(page, text);
    expect(found.map((l) => l.target)).toEqual([
      'cli.md#aiplab-backtest',
      'cli.md#no-such-part',
      'nothing.md',
      '#probe',
      '#twice-1',
      '#twice-2',
    ]);
    expect(anchors(text)).toEqual(new Set(['probe', 'twice', 'twice-1']));
    expect(brokenBecause(found[0]!)).toBeUndefined();
    expect(brokenBecause(found[1]!)).toBe('no such heading');
    expect(brokenBecause(found[2]!)).toBe('no such file');
  });
});

describe('the README', () => {
  it('is under 12 KB', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThan(12 * 1024);
  });

  it('keeps its two first commands', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npx aiplab backtest experiments/aip-baseline.json');
    expect(readme).toMatch(/^npm test\s/m);
  });
});
