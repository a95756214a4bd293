/**
 * The closing lines of `npm test`: skipped tests are counted on the closing line and listed above it with the
 * reason their group recorded, so a run without Jupyter or Chromium says what it did not check.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the test runner, without types
import { testSummary } from '../test-summary.mjs';

const suite = (name: string, statuses: string[], status = 'passed') => ({
  name: `/repo/${name}`,
  status,
  assertionResults: statuses.map((s) => ({ status: s })),
});

describe('the closing line of npm test', () => {
  it('counts skipped tests and lists each file with the reasons recorded for it', () => {
    const json = {
      numPassedTests: 3,
      numFailedTests: 0,
      numPendingTests: 3,
      numTodoTests: 0,
      testResults: [
        suite('test/a.test.ts', ['passed', 'passed']),
        suite('test/notebooks/notebooks.test.ts', ['passed', 'skipped', 'skipped']),
        suite('test/b.test.ts', ['pending']),
      ],
    };
    const log = `${JSON.stringify({ file: 'test/notebooks/notebooks.test.ts', reason: 'needs Jupyter' })}\n`;
    const s = testSummary({ passed: 2, failed: 0 }, json, log, '/repo/', 0);
    expect(s.lines).toEqual([
      'Not run here:',
      '  1 skipped in test/b.test.ts: no reason recorded (a plain .skip or .todo)',
      '  2 skipped in test/notebooks/notebooks.test.ts: needs Jupyter',
      '',
      '5 passed, 0 failed, 3 skipped',
    ]);
  });

  it('keeps the line when nothing is skipped, and fails a run whose report is missing or whose suite broke', () => {
    const json = {
      numPassedTests: 1,
      numFailedTests: 0,
      numPendingTests: 0,
      numTodoTests: 0,
      testResults: [],
    };
    expect(testSummary({ passed: 2, failed: 0 }, json, '', '/r/', 0).lines).toEqual([
      '3 passed, 0 failed, 0 skipped',
    ]);
    expect(testSummary({ passed: 2, failed: 0 }, undefined, '', '/r/', 1).lines).toEqual([
      '2 passed, 1 failed, 0 skipped',
    ]);
    const broken = { ...json, testResults: [suite('test/x.test.ts', [], 'failed')] };
    expect(testSummary({ passed: 2, failed: 0 }, broken, '', '/r/', 1).failed).toBe(1);
  });
});
