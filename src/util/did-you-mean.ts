function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * `unknown <kind> 'x'; did you mean 'y'? (known: …)` — the message every registry gives for an unknown name
 * (as lm-evaluation-harness does). Suggestions: names within a small edit distance, ignoring case and `_`/`-`.
 */
export function unknownNameMessage(kind: string, name: string, known: readonly string[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const target = norm(name);
  const scored = known
    .map((k) => ({ k, d: editDistance(target, norm(k)) }))
    .filter(({ k, d }) => d <= Math.max(2, Math.floor(norm(k).length / 3)) || norm(k).startsWith(target))
    .sort((x, y) => x.d - y.d || (x.k < y.k ? -1 : 1))
    .slice(0, 3)
    .map(({ k }) => `'${k}'`);
  const hint = scored.length > 0 ? `; did you mean ${scored.join(' or ')}?` : '';
  return `unknown ${kind} '${name}'${hint} (known: ${[...known].sort().join(', ')})`;
}
