import { Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import type { JobContext, JobQueue } from 'src/infrastructure/jobs/job-queue';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import {
  type FollowersPosition,
  FollowStateService,
} from 'src/modules/follows/follow-state.service';
import { type TimelineVideo, TimelinesService } from 'src/modules/timelines/timelines.service';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';

/** Videos a new follow brings into the follower's timeline at once. */
export const BACKFILL_VIDEOS = 50;

/** A published video as a job carries it: plain JSON (a Redis-backed queue stores it so). */
export interface FeedJobVideo {
  videoId: string;
  ownerId: string;
  /** ISO 8601. */
  createdAt: string;
}

/**
 * The feed's jobs; every one is idempotent, so a retry or a repeat does no harm. Plain JSON:
 * ids as strings, dates as ISO strings.
 */
export type FeedJob =
  | {
      kind: 'fan-out';
      video: FeedJobVideo;
      /** Where this batch starts in the owner's followers (null: the first batch). */
      after: FollowersPosition | null;
      /** When the publish was announced (ms), and entries written so far: for the last batch's log line. */
      announcedAt: number;
      written: number;
    }
  | { kind: 'remove-video'; videoId: string }
  | { kind: 'backfill'; userId: string; ownerId: string }
  | { kind: 'unfollow'; userId: string; ownerId: string };

/**
 * The following feed's writes, off the request path on the `feed` job queue. Jobs about one
 * video (fan-out batches, removal) share a key, and so do jobs about one (follower, creator)
 * pair (backfill, unfollow): the queue runs jobs of one key in order, one at a time, so a removal
 * always comes after the writes announced before it and before those announced after it.
 *
 * Fan-out walks the creator's followers in batches of FEED_FANOUT_BATCH_SIZE, one job per batch:
 * each batch is one keyset query on follows and one bulk insert, then queues the next batch
 * behind whatever else is waiting, so a creator with a large audience does not hold a worker
 * for the whole walk and a retry repeats one batch, not the walk.
 */
@Injectable()
export class FeedJobsService {
  private readonly logger = new Logger(FeedJobsService.name);
  private readonly queue: JobQueue<FeedJob>;
  private readonly batchSize: number;

  constructor(
    jobs: JobQueues,
    private readonly timelines: TimelinesService,
    private readonly catalogue: VideoCatalogueService,
    private readonly follows: FollowStateService,
    @InjectConfig() config: AppConfig,
  ) {
    this.batchSize = config.feed.fanoutBatchSize;
    this.queue = jobs.create<FeedJob>('feed', (job, context) => this.run(job, context));
  }

  videoPublished(video: TimelineVideo): string {
    return this.enqueue({
      kind: 'fan-out',
      video: {
        videoId: video.videoId,
        ownerId: video.ownerId,
        createdAt: video.createdAt.toISOString(),
      },
      after: null,
      announcedAt: Date.now(),
      written: 0,
    });
  }

  videoWithdrawn(videoId: string): string {
    return this.enqueue({ kind: 'remove-video', videoId });
  }

  followed(userId: string, ownerId: string): string {
    return this.enqueue({ kind: 'backfill', userId, ownerId });
  }

  unfollowed(userId: string, ownerId: string): string {
    return this.enqueue({ kind: 'unfollow', userId, ownerId });
  }

  private enqueue(job: FeedJob): string {
    return this.queue.enqueue(job, { key: keyOf(job) });
  }

  private async run(job: FeedJob, context: JobContext): Promise<void> {
    switch (job.kind) {
      case 'fan-out':
        return this.fanOut(job, context);
      case 'remove-video':
        await this.timelines.removeVideo(job.videoId);
        return;
      case 'backfill':
        await this.timelines.addToTimeline(
          job.userId,
          await this.catalogue.newestPublishedOf(job.ownerId, BACKFILL_VIDEOS),
        );
        return;
      case 'unfollow':
        await this.timelines.removeOwner(job.userId, job.ownerId);
        return;
    }
  }

  /**
   * One batch. The video is checked first: once it is unpublished or deleted, the chain stops
   * (its removal job, queued under the same key, takes back what earlier batches wrote).
   */
  private async fanOut(
    job: Extract<FeedJob, { kind: 'fan-out' }>,
    context: JobContext,
  ): Promise<void> {
    const video: TimelineVideo = { ...job.video, createdAt: new Date(job.video.createdAt) };
    if ((await this.catalogue.publishedRef(video.videoId)) === null) return;
    const batch = await this.follows.followersBatch(video.ownerId, job.after, this.batchSize);
    const written = job.written + (await this.timelines.addToTimelines(video, batch.followerIds));
    if (batch.next !== null) {
      this.enqueue({ ...job, after: batch.next, written });
      return;
    }
    this.logger.log(
      `Fan-out of video ${video.videoId} done: ${written} timeline entries, ${Date.now() - job.announcedAt} ms after the publish (job ${context.id})`,
    );
  }
}

function keyOf(job: FeedJob): string {
  switch (job.kind) {
    case 'fan-out':
      return `video:${job.video.videoId}`;
    case 'remove-video':
      return `video:${job.videoId}`;
    case 'backfill':
    case 'unfollow':
      return `follow:${job.userId}:${job.ownerId}`;
  }
}
