#!/usr/bin/env node
// `npm test`: the one gate (STYLE.md §11). Type check, lint + format check, then every vitest suite; the last line
// is `N passed, N failed` (vitest tests plus one per check), which CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;

function step(name, cmd, args) {
  process.stdout.write(`\n== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  if (ok) passed++;
  else failed++;
  process.stdout.write(`== ${name}: ${ok ? 'ok' : 'FAILED'}\n`);
  return ok;
}

step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
step('lint+format', process.execPath, ['node_modules/@biomejs/biome/bin/biome', 'check', '.']);

const dir = mkdtempSync(join(tmpdir(), 'aiplab-test-'));
const report = join(dir, 'vitest.json');
process.stdout.write('\n== vitest\n');
const extra = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--config',
    'test/vitest.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...extra,
  ],
  { cwd: root, stdio: 'inherit' },
);
let counted = false;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  // A suite that fails to load has no failed test, but must fail the run.
  failed += json.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  counted = true;
} catch {
  // no report: vitest itself broke
}
if (!counted || (r.status !== 0 && failed === 0)) failed++;
rmSync(dir, { recursive: true, force: true });

process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
