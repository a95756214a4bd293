import { describe, expect, it } from 'vitest';
import { buildKnowledge, createModel, type KnowledgeView } from '../../src/index.js';
import { modelContext } from '../../src/models/model-context.js';
import { ipSortKey } from '../../src/util/ip/order.js';
import { memoryDataset, randomDays, testRng } from '../knowledge/memory-dataset.js';

/**
 * AIP's `pareto8020`, literally: every row of the window sorted by the column descending (equal values in the tie
 * order — last seen latest first, days active, flows, IP — then by day), kept while cumsum·100/total < share·100, then
 * each IP once with its first (largest) kept value.
 */
function paretoByHand(
  view: KnowledgeView,
  lookback: number,
  share: number,
  column: 'flows' | 'duration' | 'bytes',
  byIp = false,
) {
  const c = view.columns();
  const chain = Array.from({ length: view.size }, (_, id) => id).sort(
    (a, b) =>
      c.lastSeen[b]! - c.lastSeen[a]! ||
      c.daysActive[b]! - c.daysActive[a]! ||
      c.flows[b]! - c.flows[a]! ||
      Buffer.compare(ipSortKey(view.ip(a)), ipSortKey(view.ip(b))),
  );
  // The order before the tie order (to show that the test tells them apart).
  if (byIp) chain.sort((a, b) => Buffer.compare(ipSortKey(view.ip(a)), ipSortKey(view.ip(b))));
  const rank = new Map(chain.map((id, k) => [id, k]));
  const rows = view
    .window(lookback)
    .days.flatMap((d) => [...d.ids].map((id, i) => ({ id, day: d.day, v: d[column][i]! })));
  const total = rows.reduce((t, r) => t + r.v, 0);
  rows.sort((a, b) => b.v - a.v || rank.get(a.id)! - rank.get(b.id)! || a.day - b.day);
  const out = new Map<string, number>();
  let cum = 0;
  for (const r of rows) {
    cum += r.v;
    if (!((cum * 100) / total < share * 100)) break;
    const ip = view.ip(r.id);
    if (!out.has(ip)) out.set(ip, r.v);
  }
  return [...out];
}

describe('Pareto = AIP pareto8020 by brute force', () => {
  it('on random windows, shares and columns (many equal values)', async () => {
    const r = testRng(77);
    let lists = 0;
    let byIpDiffers = 0;
    for (let trial = 0; trial < 150; trial++) {
      const tables = randomDays({
        seed: 500 + trial,
        from: '2024-01-01',
        to: '2024-01-25',
        pool: 8 + r(0, 60),
      });
      const view = (await buildKnowledge(memoryDataset(tables), '2024-01-26')).asOf('2024-01-26');
      const lookback = r(1, 25);
      const share = [0.5, 0.8, 0.8, 0.9, 0.95, 1, r(1, 99) / 100][r(0, 6)]!;
      const column = (['flows', 'duration', 'bytes'] as const)[r(0, 2)]!;
      const list = createModel('Pareto', { lookback, share, column }).run(modelContext(view));
      const want = paretoByHand(view, lookback, share, column);
      expect(list.ips.map((ip, i) => [ip, list.scores[i]])).toEqual(want);
      if (want.length > 0) lists++;
      if (JSON.stringify(paretoByHand(view, lookback, share, column, true)) !== JSON.stringify(want))
        byIpDiffers++;
    }
    expect(lists).toBeGreaterThan(30);
    // Equal rows at the cut are common enough that taking them in IP order would give other lists.
    expect(byIpDiffers).toBeGreaterThan(0);
  });
});
