import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildKnowledge, DataError, foldDaysBefore, KnowledgeBase } from '../../src/index.js';
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
