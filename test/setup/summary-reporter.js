// Prints one plain closing line after every run, `jest: N passed, N failed, N skipped`, and
// writes the counts to var/test-results/jest-summary.json. CI adds them to the other steps'
// counts for the plain `N passed, N failed` line that closes its output (Jest's own summary is
// spread over several lines).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const passed = results.numPassedTests;
    const dir = join(this.rootDir, 'var', 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'jest-summary.json'), JSON.stringify({ passed, failed, skipped }));
    process.stderr.write(`\njest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

module.exports = SummaryReporter;
