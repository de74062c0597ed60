// Prints one plain closing line after every run, `jest: N passed, N failed, N skipped`, and
// writes the same line to var/test-results/jest-summary.txt. CI repeats it as the last line of
// its output, so anything reading the run's end sees the real counts (Jest's own summary
// is spread over several lines).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `jest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
    const dir = join(this.rootDir, 'var', 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'jest-summary.txt'), `${line}\n`);
    process.stderr.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
