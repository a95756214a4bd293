/**
 * The aiplab command's compiled JavaScript (issue 11, item 4): src/cli/build.mjs compiles a copy of src/ (inside the
 * project, so its packages resolve from node_modules/), and the copy's launcher runs that build while it matches the
 * sources, else the TypeScript through tsx. A module model named by an experiment registers into the compiled core
 * (its `import … from 'aiplab'` resolved to the build) and gives the rows of the tsx path; a stale build never runs.
 */
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';

/** Printed by the copy's compiled main.js (appended after the build), never by the TypeScript. */
const MARK = '[compiled build ran]';
let dir = '';
let src = '';

/** `node args` in the copy's folder. */
const run = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { bin: process.execPath, cwd: dir, env, inheritColor: true });

const aiplab = (args: string[], env: Record<string, string> = {}) =>
  run([join(src, 'cli', 'aiplab.mjs'), ...args], env);

beforeAll(async () => {
  await mkdir(join(ROOT, 'test', '.artifacts'), { recursive: true });
  dir = await mkdtemp(join(ROOT, 'test', '.artifacts', 'compiled-cli-'));
  src = join(dir, 'src');
  await cp(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  await cp(join(ROOT, 'src'), src, {
    recursive: true,
    filter: (from) => !/[/\\](dist|\.dist-build-\d+|node_modules)$/.test(from),
  });
  const build = await run([join(src, 'cli', 'build.mjs')]);
  expect(build.stderr).toContain('aiplab build:');
  expect(build.code).toBe(0);
  await appendFile(
    join(src, 'dist', 'cli', 'main.js'),
    `\nprocess.stderr.write(${JSON.stringify(`${MARK}\n`)});\n`,
  );
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the compiled aiplab command', () => {
  it('runs a module model from the build, with the rows of the TypeScript run', async () => {
    const experiment = join(dir, 'module-model.json');
    await writeFile(
      experiment,
      JSON.stringify({
        id: 'compiled-module-model',
        version: 1,
        module: join(ROOT, 'experiments', 'models', 'recency-persistence.ts'),
        dataset: join(ROOT, 'datasets', 'cowrie-2018'),
        from: '2018-05-07',
        to: '2018-05-13',
        models: [{ name: 'Recency_Persistence' }, { name: 'Alpha' }],
        budgets: [100, { sizeOf: 'Alpha' }],
        seed: 1,
      }),
    );
    const [compiled, tsx] = await Promise.all([
      aiplab(['backtest', experiment, '--out', join(dir, 'compiled'), '-q']),
      // The project's own command (its 'aiplab' is src/, the copy's would be a second core): the TypeScript.
      run([join(ROOT, 'src', 'cli', 'aiplab.mjs'), 'backtest', experiment, '--out', join(dir, 'tsx'), '-q'], {
        AIPLAB_TSX: '1',
      }),
    ]);
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(compiled.stderr).toContain(MARK);
    expect(tsx.code, tsx.stderr).toBe(0);
    expect(tsx.stderr).not.toContain(MARK);
    const file = async (root: string, name: string) => {
      const id = join(dir, root, 'compiled-module-model');
      const [stamp] = await readdir(id);
      return readFile(join(id, stamp!, name), 'utf8');
    };
    const perDay = await file('compiled', 'per_day.csv');
    expect(perDay).toMatch(/^2018-05-08,Recency_Persistence,100,recall,/m);
    expect(perDay).toBe(await file('tsx', 'per_day.csv'));
    expect(await file('compiled', 'summary.csv')).toBe(await file('tsx', 'summary.csv'));
    const modules = async (root: string) => JSON.parse(await file(root, 'manifest.json')).experiment.modules;
    expect(await modules('compiled')).toEqual(await modules('tsx'));
  });

  it('--help and --version load no module beyond the CLI, its errors and version, and commander', async () => {
    // A resolve hook (in Node's hooks thread) that appends every URL it resolves to a file.
    const hooks = `data:text/javascript,${encodeURIComponent(
      [
        "import { appendFileSync } from 'node:fs';",
        'let log;',
        'export function initialize(d) { log = d.log; }',
        "export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(log, r.url + '\\n'); return r; }",
      ].join('\n'),
    )}`;
    for (const flag of ['--help', '--version']) {
      const log = join(dir, `loaded${flag}.txt`);
      await writeFile(log, '');
      const register = `data:text/javascript,${encodeURIComponent(
        `import { register } from 'node:module'; register(${JSON.stringify(hooks)}, { data: { log: ${JSON.stringify(log)} } });`,
      )}`;
      const r = await run(['--import', register, join(src, 'cli', 'aiplab.mjs'), flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(MARK);
      const urls = (await readFile(log, 'utf8')).trim().split('\n');
      const dist = urls
        .filter((u) => u.includes('/src/dist/'))
        .map((u) => u.slice(u.indexOf('/src/dist/') + 10));
      expect(dist).toContain('cli/main.js');
      expect(
        dist.filter(
          // The commands' up-front checks (an --out folder, Ctrl-C) are small and use only Node's own modules.
          (m) =>
            !/^(cli\/(main|lazy-help|interrupt|commands\/[\w-]+)\.js|util\/(errors|output-path)\.js|version\.js)$/.test(
              m,
            ),
        ),
      ).toEqual([]);
      const packages = new Set(
        urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? []),
      );
      expect([...packages]).toEqual(['commander']);
    }
  });

  it('falls back to the TypeScript once a source changed since the build, even by its mtime only', async () => {
    const current = await aiplab(['--version']);
    expect(current.code).toBe(0);
    expect(current.stderr).toContain(MARK);

    const errors = join(src, 'util', 'errors.ts');
    await utimes(errors, new Date(), new Date(Date.now() + 5000));
    const touched = await aiplab(['--version']);
    expect(touched.code).toBe(0);
    expect(touched.stdout.trim()).toBe(current.stdout.trim());
    expect(touched.stderr).not.toContain(MARK);

    const main = join(src, 'cli', 'main.ts');
    await writeFile(
      main,
      (await readFile(main, 'utf8')).replace("'aiplab: build, ", "'aiplab (edited): build, "),
    );
    const edited = await aiplab(['--help']);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain('aiplab (edited): build, backtest and tune');
    expect(edited.stderr).not.toContain(MARK);
  });
});
