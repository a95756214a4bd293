import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, ingest } from '../../src/index.js';
import { tempDir } from '../helpers.js';

const FIELDS =
  'ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents';

/** A Zeek day folder layout over 6 days; the last hour of each day spills a few records into the next UTC day. */
async function writeZeekDays(root: string, badLineOnDay?: number): Promise<void> {
  const start = Date.UTC(2024, 0, 1) / 1000;
  for (let d = 0; d < 6; d++) {
    const date = new Date((start + d * 86400) * 1000).toISOString().slice(0, 10);
    await mkdir(join(root, date), { recursive: true });
    for (const hour of [0, 23]) {
      const lines = ['#separator \\x09', `#fields\t${FIELDS}`];
      for (let k = 0; k < 40; k++) {
        // Records of the 23:00 file run past midnight into the next UTC day, as rotated logs do.
        const ts = start + d * 86400 + hour * 3600 + k * (hour === 23 ? 100 : 60);
        const orig = `10.${d % 3}.${k % 7}.${(k * 13) % 11}`;
        const resp = k % 5 === 0 ? '192.0.2.99' : '192.0.2.1';
        lines.push(
          `${ts}.5\tC${k}\t${orig}\t5000\t${resp}\t22\ttcp\tssh\t${(k * 0.25).toFixed(6)}\t1\t0\tSF\t-\t-\t0\tS\t${k % 4}\t${60 + k}\t0\t0\t(empty)`,
        );
      }
      if (badLineOnDay === d && hour === 23)
        lines.push(
          'not-a-time\tC\t1.2.3.4\t1\t192.0.2.1\t22\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t40\t0\t0\t(empty)',
        );
      const name = hour === 0 ? 'conn.00:00:00-01:00:00.log.gz' : 'conn.23:00:00-00:00:00.log.gz';
      await writeFile(join(root, date, name), gzipSync(`${lines.join('\n')}\n`));
    }
  }
  await writeFile(
    join(root, 'honeypots.csv'),
    'public_ip,operation_start_date,operation_end_date\n192.0.2.1,2024-01-01,\n',
  );
}

describe('parallel ingest (worker threads)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
    await writeZeekDays(join(tmp.dir, 'logs'));
  });
  afterAll(() => tmp.cleanup());

  it('gives byte-identical datasets with 1, 2 and 3 workers, days read by two workers merged', async () => {
    const outs: string[] = [];
    for (const workers of [1, 2, 3]) {
      const out = join(tmp.dir, `out-${workers}`);
      await ingest({
        format: 'zeek',
        inputs: [join(tmp.dir, 'logs')],
        honeypots: join(tmp.dir, 'logs', 'honeypots.csv'),
        out,
        workers,
      });
      outs.push(out);
    }
    // Its visible files: the hidden .aiplab-verified.json records mtimes, which differ.
    const visible = async (dir: string) => (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
    const names = await visible(outs[0]!);
    expect(names).toContain('attacks.2024-01-07.csv.gz'); // the spill past the last folder
    expect(names.filter((n) => n.startsWith('attacks.'))).toHaveLength(7);
    for (const out of outs.slice(1)) {
      expect(await visible(out)).toEqual(names);
      for (const n of names)
        expect(await readFile(join(out, n)), n).toEqual(await readFile(join(outs[0]!, n)));
    }
  });

  it('a worker error names file, line and field, as the serial reader does', async () => {
    const logs = join(tmp.dir, 'bad-logs');
    await writeZeekDays(logs, 4);
    const run = (workers: number) =>
      ingest({
        format: 'zeek',
        inputs: [logs],
        honeypots: join(logs, 'honeypots.csv'),
        out: join(tmp.dir, `bad-${workers}`),
        workers,
        onError: 'fail',
      });
    const serial = await run(1).catch((e: unknown) => e);
    const parallel = await run(2).catch((e: unknown) => e);
    expect(serial).toBeInstanceOf(DataError);
    expect(parallel).toBeInstanceOf(DataError);
    expect((parallel as DataError).message).toBe((serial as DataError).message);
    expect((parallel as DataError).message).toMatch(
      /2024-01-05[\\/]conn\.23:00:00-00:00:00\.log\.gz:43: field 'ts'/,
    );
  });
});

describe('an interrupted ingest', () => {
  it('leaves no partial file, and its temp folder is removed by the next run', async () => {
    const tmp = await tempDir();
    try {
      const logs = join(tmp.dir, 'logs');
      await writeZeekDays(logs);
      const out = join(tmp.dir, 'out');
      const args = [
        '--import',
        'tsx',
        '-e',
        `import('./src/index.js').then((m) => m.ingest({ format: 'zeek', inputs: [${JSON.stringify(logs)}], honeypots: ${JSON.stringify(join(logs, 'honeypots.csv'))}, out: ${JSON.stringify(out)}, onProgress: () => process.kill(process.pid, 'SIGKILL') }))`,
      ];
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync(process.execPath, args, { cwd: join(import.meta.dirname, '..', '..') });
      expect(r.signal).toBe('SIGKILL');
      // The new dataset is built beside `out`, in .out.aiplab-next-<pid>: no `out` yet, no day table, no manifest.
      const left = await readdir(tmp.dir);
      expect(left).not.toContain('out');
      expect(left.some((n) => n.startsWith('.out.aiplab-next-'))).toBe(true);
      await ingest({ format: 'zeek', inputs: [logs], honeypots: join(logs, 'honeypots.csv'), out });
      expect((await readdir(tmp.dir)).some((n) => n.startsWith('.out.aiplab-'))).toBe(false);
      expect(await readdir(out)).toContain('manifest.json');
    } finally {
      await tmp.cleanup();
    }
  });
});
