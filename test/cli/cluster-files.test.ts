/**
 * The scheduler files shipped in experiments/cluster/: the Kubernetes manifest has what an Indexed Job needs and its
 * shard command agrees with its completions; the Slurm scripts parse (`bash -n`) and their array agrees with the
 * shard count they pass to --shard.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { ROOT } from '../helpers.js';

const CLUSTER = join(ROOT, 'experiments', 'cluster');

const volumeMount = z
  .object({ name: z.string().min(1), mountPath: z.string().startsWith('/') })
  .passthrough();
const container = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    image: z.string().min(1),
    command: z.array(z.string()).min(1),
    volumeMounts: z.array(volumeMount).min(1),
  })
  .passthrough();
const podSpec = z
  .object({
    restartPolicy: z.enum(['Never', 'OnFailure']),
    containers: z.array(container).min(1),
    initContainers: z.array(container).optional(),
    volumes: z
      .array(
        z
          .object({
            name: z.string().min(1),
            persistentVolumeClaim: z.object({ claimName: z.string().min(1) }).strict(),
          })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();
/** A batch/v1 Job as the API server checks the fields used here. */
const job = z
  .object({
    apiVersion: z.literal('batch/v1'),
    kind: z.literal('Job'),
    metadata: z.object({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/) }).passthrough(),
    spec: z
      .object({
        completionMode: z.enum(['NonIndexed', 'Indexed']).optional(),
        completions: z.number().int().min(1),
        parallelism: z.number().int().min(1),
        backoffLimit: z.number().int().min(0).optional(),
        template: z.object({ spec: podSpec }).passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

describe('experiments/cluster/aiplab-backtest-job.yaml', () => {
  it('is an Indexed Job of N shards, each passing --shard (index+1)/N, and a merge Job that waits for N partials', async () => {
    const text = await readFile(join(CLUSTER, 'aiplab-backtest-job.yaml'), 'utf8');
    const docs = parseAllDocuments(text);
    for (const d of docs) expect(d.errors).toEqual([]);
    const [shards, merge] = docs.map((d) => job.parse(d.toJS()));
    expect(docs).toHaveLength(2);

    const n = shards!.spec.completions;
    expect(shards!.spec.completionMode).toBe('Indexed');
    expect(shards!.spec.parallelism).toBeLessThanOrEqual(n);
    for (const j of [shards!, merge!]) {
      const spec = j.spec.template.spec;
      const volumes = new Set(spec.volumes.map((v) => v.name));
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
        for (const m of c.volumeMounts)
          expect(volumes, `${j.metadata.name}/${c.name} mounts ${m.name}`).toContain(m.name);
    }
    const shardCommand = shards!.spec.template.spec.containers[0]!.command.join(' ');
    expect(shardCommand).toMatch(/aiplab backtest /);
    const shard = /--shard \$\(\(JOB_COMPLETION_INDEX\+1\)\)\/(\d+)/.exec(shardCommand);
    expect(shard, shardCommand).not.toBeNull();
    expect(Number(shard![1])).toBe(n);
    const out = /--out "?([^"\s]+)"?/.exec(shardCommand)![1]!;

    expect(merge!.spec.completionMode ?? 'NonIndexed').toBe('NonIndexed');
    const wait = merge!.spec.template.spec.initContainers![0]!.command.join(' ');
    expect(wait).toContain(`shard-*-of-${n}.json`);
    expect(wait).toMatch(new RegExp(`-ge ${n}\\b`));
    const mergeCommand = merge!.spec.template.spec.containers[0]!.command.join(' ');
    expect(mergeCommand).toMatch(/aiplab merge /);
    expect(mergeCommand).toContain(out.replace(/"/g, ''));
  });
});

describe('experiments/cluster/*.slurm', () => {
  it('parse with bash -n', () => {
    for (const f of ['aiplab-backtest.slurm', 'aiplab-merge.slurm'])
      expect(() => execFileSync('bash', ['-n', join(CLUSTER, f)], { stdio: 'pipe' }), f).not.toThrow();
  });

  it('the array is 1-N and the shards are i/N with the same N', async () => {
    const text = await readFile(join(CLUSTER, 'aiplab-backtest.slurm'), 'utf8');
    const array = /^#SBATCH --array=1-(\d+)\s*$/m.exec(text);
    expect(array).not.toBeNull();
    const shards = /^SHARDS=(\d+)\b/m.exec(text);
    expect(shards).not.toBeNull();
    expect(shards![1]).toBe(array![1]);
    expect(text).toMatch(/--shard "\$\{SLURM_ARRAY_TASK_ID[^}]*\}\/\$\{SHARDS\}"/);
    const merge = await readFile(join(CLUSTER, 'aiplab-merge.slurm'), 'utf8');
    expect(merge).toContain('--dependency=afterok:');
    expect(merge).toMatch(/aiplab merge /);
  });
});
