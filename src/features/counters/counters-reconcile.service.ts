import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import {
  type CounterFix,
  type FieldOutcome,
  fixesFor,
  type FixOutcome,
  type IdSelection,
  type StoredCounters,
} from 'src/common/database/stored-counters.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import {
  COUNTER_NAMES,
  type CounterName,
  type ReconcileOptions,
  type ReconcileReport,
  type ReconcileTargets,
} from 'src/features/counters/reconcile-report.type';
import {
  addOutcome,
  chunks,
  describeCorrections,
  describeRun,
  emptyReport,
  totalCorrected,
} from 'src/features/counters/reconcile-report.util';
import { MetricsService } from 'src/infrastructure/metrics/metrics.service';
import { CommentCounterRepairService } from 'src/modules/comments/comment-counter-repair.service';
import type { CommentCounterField } from 'src/modules/comments/schemas/comment.schema';
import { PostCounterRepairService } from 'src/modules/community-posts/post-counter-repair.service';
import type { PostCounterField } from 'src/modules/community-posts/schemas/community-post.schema';
import { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import { LikesService } from 'src/modules/likes/likes.service';
import { ChannelCounterRepairService } from 'src/modules/users/channel-counter-repair.service';
import type { ChannelCounterField } from 'src/modules/users/channel-counters.type';
import type { VideoCounterField } from 'src/modules/videos/schemas/video.schema';
import {
  NO_VIDEO_TOTALS,
  type StoredVideoCounters,
  VideoCounterRepairService,
} from 'src/modules/videos/video-counter-repair.service';

/** One run's findings, and what it learned for the documents it repairs later. */
interface Run {
  report: ReconcileReport;
  /**
   * Owners of videos whose `likesCount` fix lost its compare-and-set in this run: their like
   * totals would be summed from a value still wrong, so they wait for the next run.
   */
  heldOwners: Set<string>;
}

/** One kind of document with maintained counters, as the job walks and repairs it. */
interface CounterSource<Field extends string> {
  checked: keyof ReconcileReport['checked'];
  names: Record<Field, CounterName>;
  batchAfter(afterId: string | null, limit: number): Promise<StoredCounters<Field>[]>;
  /** The truth for the selected documents, recounted from the documents that define it. */
  truth(selection: IdSelection): Promise<(id: string) => Record<Field, number>>;
  apply(fixes: CounterFix<Field>[]): Promise<FixOutcome<Field>>;
  /** A fix not to write in this run (counted as a conflict). */
  hold?(fix: CounterFix<Field>, run: Run): boolean;
  /** Called after fixes of this batch lost their compare-and-set. */
  afterConflicts?(fixes: CounterFix<Field>[], run: Run): Promise<void>;
}

const VIDEO_NAMES: Record<VideoCounterField, CounterName> = {
  likesCount: 'videos.likesCount',
  commentsCount: 'videos.commentsCount',
};
const COMMENT_NAMES: Record<CommentCounterField, CounterName> = {
  likesCount: 'comments.likesCount',
  replyCount: 'comments.replyCount',
};
const POST_NAMES: Record<PostCounterField, CounterName> = {
  likesCount: 'communityposts.likesCount',
  commentsCount: 'communityposts.commentsCount',
};
const CHANNEL_NAMES: Record<ChannelCounterField, CounterName> = {
  followers: 'users.channel.followers',
  following: 'users.channel.following',
  publishedVideos: 'users.channel.publishedVideos',
  publishedViews: 'users.channel.publishedViews',
  publishedLikes: 'users.channel.publishedLikes',
  videos: 'users.channel.videos',
  views: 'users.channel.views',
  likes: 'users.channel.likes',
};

/**
 * The counters reconcile job (issue 13, STYLE 20 and 33). The counters are kept by `$inc` in the
 * request that changes them; without transactions a crash between the action and its `$inc`
 * leaves one off. This recomputes every counter from the documents, in bounded batches walking
 * `_id` upwards: per batch one read of the stored counters, one grouped recount per figure, and a
 * compare-and-set write of each wrong value (so a concurrent `$inc` is never overwritten).
 *
 * Order: videos, comments, posts, then users, whose channel totals are sums over their videos'
 * counters, repaired just before. The domains read and write their own collections; this feature
 * only compares and decides.
 *
 * A value that changed between the read and the write is left alone (a conflict, for the next
 * run), and so are the like totals of an owner one of whose videos' like counts was: they would
 * be summed from a value still wrong.
 *
 * The race it cannot close: an action whose document is written but whose `$inc` has not landed
 * when the truth is read is counted in the truth; if its `$inc` lands after the fix, that counter
 * is one too high until the next run (and one too low, symmetrically, for a removal).
 */
@Injectable()
export class CountersReconcileService {
  private readonly logger = new Logger('CountersReconcile');
  private readonly videoSource: CounterSource<VideoCounterField>;
  private readonly commentSource: CounterSource<CommentCounterField>;
  private readonly postSource: CounterSource<PostCounterField>;
  private readonly channelSource: CounterSource<ChannelCounterField>;
  /** Runs of this process, one after the other: the last one queued. */
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly likes: LikesService,
    private readonly follows: FollowCountsService,
    private readonly channels: ChannelCounterRepairService,
    private readonly videos: VideoCounterRepairService,
    private readonly posts: PostCounterRepairService,
    private readonly comments: CommentCounterRepairService,
  ) {
    this.videoSource = {
      checked: 'videos',
      names: VIDEO_NAMES,
      batchAfter: (afterId, limit) => this.videos.batchAfter(afterId, limit),
      truth: async (selection) => {
        const [likes, comments] = await Promise.all([
          this.likes.countsFor('video', selection),
          this.comments.countsOn('video', selection),
        ]);
        return (id) => ({ likesCount: likes.get(id) ?? 0, commentsCount: comments.get(id) ?? 0 });
      },
      apply: (fixes) => this.videos.apply(fixes),
      afterConflicts: async (fixes, run) => {
        // Which like counts are still wrong: read them again (conflicts are rare).
        const truth = new Map(
          fixes.filter((fix) => fix.field === 'likesCount').map((fix) => [fix.id, fix.truth]),
        );
        for (const video of await this.videos.byIds([...truth.keys()]))
          if ((video.counters.likesCount ?? 0) !== truth.get(video.id))
            run.heldOwners.add(video.ownerId);
      },
    };
    this.commentSource = {
      checked: 'comments',
      names: COMMENT_NAMES,
      batchAfter: (afterId, limit) => this.comments.batchAfter(afterId, limit),
      truth: async (selection) => {
        const [likes, replies] = await Promise.all([
          this.likes.countsFor('comment', selection),
          this.comments.repliesOn(selection),
        ]);
        return (id) => ({ likesCount: likes.get(id) ?? 0, replyCount: replies.get(id) ?? 0 });
      },
      apply: (fixes) => this.comments.apply(fixes),
    };
    this.postSource = {
      checked: 'posts',
      names: POST_NAMES,
      batchAfter: (afterId, limit) => this.posts.batchAfter(afterId, limit),
      truth: async (selection) => {
        const [likes, comments] = await Promise.all([
          this.likes.countsFor('communityPost', selection),
          this.comments.countsOn('communityPost', selection),
        ]);
        return (id) => ({ likesCount: likes.get(id) ?? 0, commentsCount: comments.get(id) ?? 0 });
      },
      apply: (fixes) => this.posts.apply(fixes),
    };
    this.channelSource = {
      checked: 'users',
      names: CHANNEL_NAMES,
      batchAfter: (afterId, limit) => this.channels.batchAfter(afterId, limit),
      truth: async (selection) => {
        const [follows, totals] = await Promise.all([
          this.follows.countsFor(selection),
          this.videos.ownerTotals(selection),
        ]);
        return (id) => {
          const { followers, following } = follows.get(id) ?? { followers: 0, following: 0 };
          return { followers, following, ...(totals.get(id) ?? NO_VIDEO_TOTALS) };
        };
      },
      apply: (fixes) => this.channels.apply(fixes),
      hold: (fix, run) =>
        run.heldOwners.has(fix.id) && (fix.field === 'likes' || fix.field === 'publishedLikes'),
    };
  }

  /** True while a run of this process is under way or waiting for one (the scheduler skips then). */
  isRunning(): boolean {
    return this.pending > 0;
  }

  /**
   * Recomputes every counter and repairs the wrong ones; logs one info line, a warning naming
   * each corrected counter, and adds the corrections to `dancely_counters_reconciled_total`.
   * Runs of one process never overlap: a call made during a run starts when it ends.
   */
  reconcileAll(options: ReconcileOptions = {}): Promise<ReconcileReport> {
    const batchSize = options.batchSize ?? this.config.counters.reconcileBatchSize;
    return this.exclusive(async () => {
      const run: Run = { report: emptyReport(), heldOwners: new Set() };
      const started = performance.now();
      await this.walk(this.videoSource, batchSize, run, options.signal);
      await this.walk(this.commentSource, batchSize, run, options.signal);
      await this.walk(this.postSource, batchSize, run, options.signal);
      await this.walk(this.channelSource, batchSize, run, options.signal);
      run.report.durationMs = Math.round(performance.now() - started);
      this.publish(run.report);
      return run.report;
    });
  }

  /**
   * Repairs the counters of these documents only (and of the owners of these videos), the same
   * way as a full run, without its log lines and metric. For code that wrote documents around the
   * maintained counters: test factories writing straight to the database, data fixes.
   */
  reconcile(targets: ReconcileTargets, options: ReconcileOptions = {}): Promise<ReconcileReport> {
    const batchSize = options.batchSize ?? this.config.counters.reconcileBatchSize;
    return this.exclusive(async () => {
      const run: Run = { report: emptyReport(), heldOwners: new Set() };
      const started = performance.now();
      const owners: string[] = [];
      for (const ids of chunks(targets.videos ?? [], batchSize)) {
        const stored: StoredVideoCounters[] = await this.videos.byIds(ids);
        owners.push(...stored.map((video) => video.ownerId));
        await this.settle(this.videoSource, stored, run);
      }
      for (const ids of chunks(targets.comments ?? [], batchSize))
        await this.settle(this.commentSource, await this.comments.byIds(ids), run);
      for (const ids of chunks(targets.posts ?? [], batchSize))
        await this.settle(this.postSource, await this.posts.byIds(ids), run);
      for (const ids of chunks([...(targets.users ?? []), ...owners], batchSize))
        await this.settle(this.channelSource, await this.channels.byIds(ids), run);
      run.report.durationMs = Math.round(performance.now() - started);
      return run.report;
    });
  }

  /** Every document of one source, `batchSize` at a time in `_id` order. */
  private async walk<Field extends string>(
    source: CounterSource<Field>,
    batchSize: number,
    run: Run,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let afterId: string | null = null;
    for (;;) {
      signal?.throwIfAborted();
      const batch = await source.batchAfter(afterId, batchSize);
      if (batch.length === 0) return;
      // The batch is every document between its first and last `_id`: the recounts take that
      // range rather than the list of ids.
      await this.settle(source, batch, run, { from: batch[0].id, to: batch[batch.length - 1].id });
      if (batch.length < batchSize) return;
      afterId = batch[batch.length - 1].id;
    }
  }

  /**
   * Recounts one batch (by its ids, or the `_id` range it spans), and writes the values that
   * differ (compare-and-set on what was read).
   */
  private async settle<Field extends string>(
    source: CounterSource<Field>,
    batch: StoredCounters<Field>[],
    run: Run,
    selection: IdSelection = { ids: batch.map((stored) => stored.id) },
  ): Promise<void> {
    run.report.checked[source.checked] += batch.length;
    if (batch.length === 0) return;
    const truthOf = await source.truth(selection);
    const found = batch.flatMap((stored) => fixesFor(stored, truthOf(stored.id)));
    const fixes = source.hold ? found.filter((fix) => !source.hold?.(fix, run)) : found;
    run.report.conflicts += found.length - fixes.length;
    if (fixes.length === 0) return;
    const outcome = await source.apply(fixes);
    addOutcome(run.report, source.names, outcome);
    const lost = Object.values<FieldOutcome>(outcome).some((field) => field.conflicts > 0);
    if (lost && source.afterConflicts) await source.afterConflicts(fixes, run);
  }

  private publish(report: ReconcileReport): void {
    this.logger.log(describeRun(report));
    if (totalCorrected(report) > 0)
      this.logger.warn(`Counters had drifted and were corrected: ${describeCorrections(report)}`);
    // Every counter, zeros included, so each series exists from the first run on.
    for (const name of COUNTER_NAMES)
      this.metrics.recordCountersReconciled(name, report.corrected[name]);
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.queue.then(run).finally(() => this.pending--);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
