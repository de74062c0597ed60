/**
 * Every maintained counter, named `<collection>.<field path>` as it is stored: the keys of a
 * report's `corrected` and the `counter` label of `dancely_counters_reconciled_total`.
 */
export const COUNTER_NAMES = [
  'videos.likesCount',
  'videos.commentsCount',
  'comments.likesCount',
  'comments.replyCount',
  'communityposts.likesCount',
  'communityposts.commentsCount',
  'users.channel.followers',
  'users.channel.following',
  'users.channel.publishedVideos',
  'users.channel.publishedViews',
  'users.channel.publishedLikes',
  'users.channel.videos',
  'users.channel.views',
  'users.channel.likes',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];

/** What one reconcile run (whole, or of some documents) found and did. */
export interface ReconcileReport {
  /** Documents whose counters were compared with a recount. */
  checked: { videos: number; comments: number; posts: number; users: number };
  /** Stored values found wrong and rewritten, per counter (every counter listed, 0 included). */
  corrected: Record<CounterName, number>;
  /**
   * Wrong values left alone because they changed between the read and the write (a concurrent
   * `$inc`, whose action the recount may or may not include) or whose document vanished; the next
   * run looks at them again.
   */
  conflicts: number;
  durationMs: number;
}

export interface ReconcileOptions {
  /** Documents per batch (default: `COUNTERS_RECONCILE_BATCH_SIZE`). */
  batchSize?: number;
  /** Stops the run between two batches (the run then rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * The documents a targeted repair looks at (string ids; unknown ids are skipped). Repairing a
 * video also repairs its owner's channel totals, which sum it.
 */
export interface ReconcileTargets {
  videos?: string[];
  comments?: string[];
  posts?: string[];
  users?: string[];
}
