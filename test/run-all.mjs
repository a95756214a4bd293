#!/usr/bin/env node
// `npm test`: the one gate (STYLE.md §11). Type check, lint + format check, then every vitest suite; the last line
// is `N passed, N failed, N skipped` (vitest tests plus one per check), which CI reads. Above it, each file's skipped
// tests are listed with the reason their group recorded (test/skip-reasons.ts): what this run did not check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSummary } from './test-summary.mjs';

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
const skipLog = join(dir, 'skips.jsonl');
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
  { cwd: root, stdio: 'inherit', env: { ...process.env, AIPLAB_SKIP_LOG: skipLog } },
);
let json;
try {
  json = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  // no report: vitest itself broke (testSummary counts it as a failure)
}
const summary = testSummary(
  { passed, failed },
  json,
  existsSync(skipLog) ? readFileSync(skipLog, 'utf8') : '',
  root,
  r.status,
);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`\n${summary.lines.join('\n')}\n`);
process.exit(summary.failed === 0 ? 0 : 1);
