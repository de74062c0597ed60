// Jest's own order (failed first, then slowest first), except that the index audit runs last:
// it audits the query shapes every other e2e spec of the run has recorded
// (test/foundation/index-audit.e2e-spec.ts). Run alone, it audits its own walk of the routes.
const Sequencer = require('@jest/test-sequencer').default;

const AUDIT = /[\\/]index-audit\.e2e-spec\.ts$/;

class AuditLastSequencer extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [
      ...ordered.filter((test) => !AUDIT.test(test.path)),
      ...ordered.filter((test) => AUDIT.test(test.path)),
    ];
  }
}

module.exports = AuditLastSequencer;
