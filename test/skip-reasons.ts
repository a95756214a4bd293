import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './helpers.js';

/**
 * Whether a test group must be skipped because something it needs is missing here (`reason`, or false when nothing
 * is missing). Under `npm test` (test/run-all.mjs sets AIPLAB_SKIP_LOG) the reason is recorded, and printed above the
 * closing `N passed, N failed, N skipped` line. Under CI nothing may be missing (CI installs every tool), so a group
 * that would skip runs and fails there, unless `skipInCi` says the need is not a tool CI can install (being root).
 */
export function skipBecause(testFileUrl: string, reason: string | false, skipInCi = false): boolean {
  if (reason === false) return false;
  if (process.env.CI && !skipInCi) return false;
  const log = process.env.AIPLAB_SKIP_LOG;
  if (log) {
    const file = relative(ROOT, fileURLToPath(testFileUrl));
    appendFileSync(log, `${JSON.stringify({ file, reason })}\n`);
  }
  return true;
}
