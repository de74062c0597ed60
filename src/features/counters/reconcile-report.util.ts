import type { FixOutcome } from 'src/common/database/stored-counters.util';
import {
  COUNTER_NAMES,
  type CounterName,
  type ReconcileReport,
} from 'src/features/counters/reconcile-report.type';

/** A report being filled in by a run; `durationMs` is set when it ends. */
export function emptyReport(): ReconcileReport {
  const corrected = {} as Record<CounterName, number>;
  for (const name of COUNTER_NAMES) corrected[name] = 0;
  return {
    checked: { videos: 0, comments: 0, posts: 0, users: 0 },
    corrected,
    conflicts: 0,
    durationMs: 0,
  };
}

/** Adds what writing one batch's fixes did; `names` maps the domain's field names to counter names. */
export function addOutcome<Field extends string>(
  report: ReconcileReport,
  names: Record<Field, CounterName>,
  outcome: FixOutcome<Field>,
): void {
  for (const field of Object.keys(outcome) as Field[]) {
    report.corrected[names[field]] += outcome[field].corrected;
    report.conflicts += outcome[field].conflicts;
  }
}

export function totalCorrected(report: ReconcileReport): number {
  return Object.values<number>(report.corrected).reduce((sum, n) => sum + n, 0);
}

/** `videos.likesCount=2, users.channel.followers=1`: the corrected counters only, in a fixed order. */
export function describeCorrections(report: ReconcileReport): string {
  return COUNTER_NAMES.filter((name) => report.corrected[name] > 0)
    .map((name) => `${name}=${report.corrected[name]}`)
    .join(', ');
}

/** The info line every run logs. */
export function describeRun(report: ReconcileReport): string {
  const { videos, comments, posts, users } = report.checked;
  return (
    `Counters reconciled in ${report.durationMs} ms: checked ${videos} videos, ${comments} comments, ` +
    `${posts} posts, ${users} users; corrected ${totalCorrected(report)}, conflicts ${report.conflicts}`
  );
}

/** `ids` in chunks of at most `size`, duplicates removed. */
export function chunks(ids: string[], size: number): string[][] {
  const distinct = [...new Set(ids)];
  const out: string[][] = [];
  for (let at = 0; at < distinct.length; at += size) out.push(distinct.slice(at, at + size));
  return out;
}
