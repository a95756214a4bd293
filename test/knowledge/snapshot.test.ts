import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildKnowledge,
  DataError,
  foldDaysBefore,
  historyFeatures,
  KnowledgeBase,
} from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { memoryDataset, randomDays } from './memory-dataset.js';

describe('knowledge snapshots', () => {
  const missing = ['2024-06-05'];
  const ds = memoryDataset(randomDays({ seed: 21, from: '2024-06-01', to: '2024-06-20', missing }), missing);

  it('save → load equals the knowledge base rebuilt from the days, and folds on identically', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const kb = await buildKnowledge(ds, '2024-06-10', { retainDays: 5 });
      const path = join(dir, 'kb.bin');
      await kb.save(path);
      const loaded = await KnowledgeBase.load(path);
      const rebuilt = await buildKnowledge(ds, '2024-06-10', { retainDays: 5 });
      expect(loaded.toBytes()).toEqual(rebuilt.toBytes());
      expect(loaded.nextDay).toBe('2024-06-10');
      expect(loaded.missingDays).toEqual(missing);
      expect(loaded.retainDays).toBe(5);
      const a = loaded.asOf('2024-06-10');
      const b = rebuilt.asOf('2024-06-10');
      expect(a.columns()).toEqual(b.columns());
      expect(a.window(5)).toEqual(b.window(5));
      expect(a.previous().columns()).toEqual(b.previous().columns());
      expect([...a.ipOrder()]).toEqual([...b.ipOrder()]);

      await foldDaysBefore(loaded, ds, '2024-06-21');
      const straight = await buildKnowledge(ds, '2024-06-21', {
        retainDays: 5,
      });
      expect(loaded.toBytes()).toEqual(straight.toBytes());
    } finally {
      await cleanup();
    }
  });

  it('round-trips the history columns, half-lives and every retained undo log', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const options = { retainDays: 4, halfLives: [7, 0.5, 7, 2] };
      const kb = await buildKnowledge(ds, '2024-06-09', options);
      const path = join(dir, 'kb.bin');
      await kb.save(path);
      const loaded = await KnowledgeBase.load(path);
      const rebuilt = await buildKnowledge(ds, '2024-06-09', options);
      expect(loaded.toBytes()).toEqual(rebuilt.toBytes());
      expect(loaded.halfLives).toEqual([0.5, 2, 7]);
      const a = loaded.asOf('2024-06-09');
      const b = rebuilt.asOf('2024-06-09');
      expect(historyFeatures(a).names).toContain('ewma_flows_h0.5');
      expect(historyFeatures(a).columns).toEqual(historyFeatures(b).columns);
      // 06-05 is missing: 4 steps back cross it, and each step needs its own undo log.
      for (let steps = 1; steps <= 4; steps++) {
        const pa = a.previous(steps);
        const pb = b.previous(steps);
        expect([pa.date, pa.size, pa.foldedDays]).toEqual([pb.date, pb.size, pb.foldedDays]);
        expect(pa.columns()).toEqual(pb.columns());
        expect(historyFeatures(pa).columns).toEqual(historyFeatures(pb).columns);
        expect([...pa.tieOrder()]).toEqual([...pb.tieOrder()]);
      }
      await foldDaysBefore(loaded, ds, '2024-06-21');
      expect(loaded.toBytes()).toEqual((await buildKnowledge(ds, '2024-06-21', options)).toBytes());
    } finally {
      await cleanup();
    }
  });

  it('refuses a snapshot of another format version, naming the file and both versions', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const bytes = (await buildKnowledge(ds, '2024-06-10')).toBytes();
      const text = Buffer.from(bytes).toString('latin1');
      expect(text).toContain('"version":2,');
      const old = join(dir, 'old.bin');
      await writeFile(old, Buffer.from(text.replace('"version":2,', '"version":1,'), 'latin1'));
      await expect(KnowledgeBase.load(old)).rejects.toThrow(DataError);
      await expect(KnowledgeBase.load(old)).rejects.toThrow(/old\.bin: .*version 1, .*reads only version 2/);
    } finally {
      await cleanup();
    }
  });

  it('an empty knowledge base round-trips', () => {
    const kb = new KnowledgeBase();
    const back = KnowledgeBase.fromBytes(kb.toBytes());
    expect(back.size).toBe(0);
    expect(back.nextDay).toBeUndefined();
  });

  it('refuses a truncated or foreign file with a DataError naming it', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const bytes = (await buildKnowledge(ds, '2024-06-10')).toBytes();
      const cut = join(dir, 'cut.bin');
      await writeFile(cut, bytes.subarray(0, bytes.length - 9));
      await expect(KnowledgeBase.load(cut)).rejects.toThrow(DataError);
      await expect(KnowledgeBase.load(cut)).rejects.toThrow(/cut\.bin: .*truncated/);
      const other = join(dir, 'other.bin');
      await writeFile(other, 'orig,flows\n');
      await expect(KnowledgeBase.load(other)).rejects.toThrow(/signature/);
      await expect(KnowledgeBase.load(join(dir, 'nope.bin'))).rejects.toThrow(/ENOENT/);
    } finally {
      await cleanup();
    }
  });
});
