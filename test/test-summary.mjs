// The closing lines of `npm test` (test/run-all.mjs), from vitest's JSON report and the skip log that
// test/skip-reasons.ts writes: a list of what was not run and why, then `N passed, N failed, N skipped`.

/**
 * @param {{ passed: number, failed: number }} checks the counts of the steps before vitest (type check, lint)
 * @param {any} json vitest's JSON report, or undefined when vitest wrote none
 * @param {string} skipLog the skip log's text (JSON lines `{file, reason}`), '' when none
 * @param {string} root the project root with a trailing slash, stripped from the report's file names
 * @param {number | null} vitestStatus vitest's exit status
 * @returns {{ lines: string[], passed: number, failed: number, skipped: number }}
 */
export function testSummary(checks, json, skipLog, root, vitestStatus) {
  let { passed, failed } = checks;
  let skipped = 0;
  /** Skipped tests by file (relative to the root). */
  const skippedIn = new Map();
  if (json !== undefined) {
    passed += json.numPassedTests;
    failed += json.numFailedTests;
    // A suite that fails to load has no failed test, but must fail the run.
    failed += json.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
    skipped += json.numPendingTests + json.numTodoTests;
    for (const suite of json.testResults) {
      const n = suite.assertionResults.filter((t) => t.status !== 'passed' && t.status !== 'failed').length;
      if (n > 0) skippedIn.set(suite.name.startsWith(root) ? suite.name.slice(root.length) : suite.name, n);
    }
  }
  // No report means vitest itself broke; a failing exit with no failed test (an error outside tests) fails too.
  if (json === undefined || (vitestStatus !== 0 && failed === 0)) failed++;
  const reasons = new Map();
  for (const line of skipLog.split('\n')) {
    if (!line) continue;
    const { file, reason } = JSON.parse(line);
    const set = reasons.get(file) ?? new Set();
    set.add(reason);
    reasons.set(file, set);
  }
  const lines = [];
  if (skippedIn.size > 0) {
    lines.push('Not run here:');
    for (const [file, n] of [...skippedIn].sort()) {
      const why = [...(reasons.get(file) ?? ['no reason recorded (a plain .skip or .todo)'])].join('; ');
      lines.push(`  ${n} skipped in ${file}: ${why}`);
    }
    lines.push('');
  }
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return { lines, passed, failed, skipped };
}
