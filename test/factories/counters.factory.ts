import { CountersReconcileService } from 'src/features/counters/counters-reconcile.service';
import type { ReconcileTargets } from 'src/features/counters/reconcile-report.type';
import type { TestApp } from 'test/utils/test-app';

/**
 * Brings the maintained counters in line after a factory wrote documents straight to the
 * database, around the app's own `$inc` maintenance: the reconcile job's targeted repair of the
 * affected documents (a video's owner included). The production repair code, not a second copy
 * of the counting rules, so pages that read counters show what the documents say.
 */
export async function repairCounters(t: TestApp, targets: ReconcileTargets): Promise<void> {
  await t.app.get(CountersReconcileService).reconcile(targets);
}
