// Closes the CI output with one plain line, `N passed, N failed`: Jest's tests and the fuzz
// cases, each read from the counts file its step wrote, plus one failure for every failed step
// whose own counts do not already show a failure (lint, build, or a test run that crashed before
// counting). Arguments: the names of the failed steps. Exits non-zero when anything failed.
import { existsSync, readFileSync } from 'node:fs';

const countsFiles = {
  'npm test': 'var/test-results/jest-summary.json',
  fuzz: 'var/test-results/fuzz-summary.json',
};

function readCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const { passed, failed } = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: Number(passed) || 0, failed: Number(failed) || 0 };
}

const total = { passed: 0, failed: 0 };
const perStep = Object.fromEntries(
  Object.entries(countsFiles).map(([step, file]) => [step, readCounts(file)]),
);
for (const counts of Object.values(perStep)) {
  total.passed += counts.passed;
  total.failed += counts.failed;
}
for (const step of process.argv.slice(2)) {
  if ((perStep[step]?.failed ?? 0) === 0) total.failed += 1;
}
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 ? 1 : 0);
