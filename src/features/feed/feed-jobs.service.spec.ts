import { Types } from 'mongoose';
import type { AppConfig } from 'src/config/app-config';
import {
  BACKFILL_VIDEOS,
  type FeedJob,
  FeedJobsService,
} from 'src/features/feed/feed-jobs.service';
import type { EnqueueOptions, JobHandler } from 'src/infrastructure/jobs/job-queue';
import type { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import type { FollowStateService } from 'src/modules/follows/follow-state.service';
import type { TimelinesService } from 'src/modules/timelines/timelines.service';
import type { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';

const id = (): string => new Types.ObjectId().toHexString();
const VIDEO = { videoId: id(), ownerId: id(), createdAt: new Date('2026-02-03T04:05:06.007Z') };
const CONTEXT = { queue: 'feed', id: 'job-1', attempt: 1 };

describe('FeedJobsService', () => {
  let handler: JobHandler<FeedJob>;
  let enqueued: { job: FeedJob; options: EnqueueOptions }[];
  let timelines: jest.Mocked<
    Pick<TimelinesService, 'addToTimelines' | 'addToTimeline' | 'removeVideo' | 'removeOwner'>
  >;
  let catalogue: jest.Mocked<Pick<VideoCatalogueService, 'publishedRef' | 'newestPublishedOf'>>;
  let follows: jest.Mocked<Pick<FollowStateService, 'followersBatch'>>;
  let sut: FeedJobsService;

  beforeEach(() => {
    enqueued = [];
    const jobs = {
      create: (name: string, run: JobHandler<FeedJob>) => {
        expect(name).toBe('feed');
        handler = run;
        return {
          enqueue: (job: FeedJob, options: EnqueueOptions) => {
            enqueued.push({ job, options });
            return `job-${enqueued.length}`;
          },
        };
      },
    };
    timelines = {
      addToTimelines: jest.fn().mockResolvedValue(2),
      addToTimeline: jest.fn().mockResolvedValue(1),
      removeVideo: jest.fn().mockResolvedValue(0),
      removeOwner: jest.fn().mockResolvedValue(0),
    };
    catalogue = {
      publishedRef: jest.fn().mockResolvedValue(VIDEO),
      newestPublishedOf: jest.fn().mockResolvedValue([VIDEO]),
    };
    follows = { followersBatch: jest.fn() };
    sut = new FeedJobsService(
      jobs as unknown as JobQueues,
      timelines as unknown as TimelinesService,
      catalogue as unknown as VideoCatalogueService,
      follows as unknown as FollowStateService,
      { feed: { maxEntries: 1000, fanoutBatchSize: 2 } } as AppConfig,
    );
  });

  it('keys the jobs of one video together, and those of one (follower, creator) pair', () => {
    const [user, owner] = [id(), id()];
    sut.videoPublished(VIDEO);
    sut.videoWithdrawn(VIDEO.videoId);
    sut.followed(user, owner);
    sut.unfollowed(user, owner);
    expect(enqueued.map((entry) => [entry.job.kind, entry.options.key])).toEqual([
      ['fan-out', `video:${VIDEO.videoId}`],
      ['remove-video', `video:${VIDEO.videoId}`],
      ['backfill', `follow:${user}:${owner}`],
      ['unfollow', `follow:${user}:${owner}`],
    ]);
  });

  it('writes one batch of followers and queues the next one after it', async () => {
    const next = { createdAt: new Date().toISOString(), id: id() };
    const followers = [id(), id()];
    follows.followersBatch.mockResolvedValue({ followerIds: followers, next });
    sut.videoPublished(VIDEO);
    const first = enqueued[0].job;

    await handler(first, CONTEXT);

    expect(follows.followersBatch).toHaveBeenCalledWith(VIDEO.ownerId, null, 2);
    expect(timelines.addToTimelines).toHaveBeenCalledWith(VIDEO, followers);
    expect(enqueued).toHaveLength(2);
    expect(enqueued[1].job).toMatchObject({
      kind: 'fan-out',
      after: next,
      written: 2,
    });
    expect(enqueued[1].options.key).toBe(`video:${VIDEO.videoId}`);

    // The next batch resumes where this one stopped.
    follows.followersBatch.mockResolvedValue({ followerIds: [id()], next: null });
    await handler(enqueued[1].job, CONTEXT);
    expect(follows.followersBatch).toHaveBeenLastCalledWith(VIDEO.ownerId, next, 2);
  });

  it('enqueues plain JSON only (a Redis-backed queue stores it): no Date, no ObjectId', () => {
    const [user, owner] = [id(), id()];
    sut.videoPublished({ ...VIDEO, extra: new Types.ObjectId() } as typeof VIDEO);
    sut.videoWithdrawn(VIDEO.videoId);
    sut.followed(user, owner);
    sut.unfollowed(user, owner);
    for (const { job } of enqueued) expect(JSON.parse(JSON.stringify(job))).toEqual(job);
    expect(enqueued[0].job).toMatchObject({
      video: {
        videoId: VIDEO.videoId,
        ownerId: VIDEO.ownerId,
        createdAt: '2026-02-03T04:05:06.007Z',
      },
    });
  });

  it('ends the walk after the last batch', async () => {
    follows.followersBatch.mockResolvedValue({ followerIds: [id()], next: null });
    sut.videoPublished(VIDEO);
    await handler(enqueued[0].job, CONTEXT);
    expect(enqueued).toHaveLength(1);
  });

  it('stops the walk once the video is no longer published, before reading followers', async () => {
    catalogue.publishedRef.mockResolvedValue(null);
    sut.videoPublished(VIDEO);
    await handler(enqueued[0].job, CONTEXT);
    expect(follows.followersBatch).not.toHaveBeenCalled();
    expect(timelines.addToTimelines).not.toHaveBeenCalled();
    expect(enqueued).toHaveLength(1);
  });

  it('backfills the creator’s newest videos; removes a video, or a creator from a timeline', async () => {
    const [user, owner] = [id(), id()];
    sut.followed(user, owner);
    await handler(enqueued[0].job, CONTEXT);
    expect(catalogue.newestPublishedOf).toHaveBeenCalledWith(owner, BACKFILL_VIDEOS);
    expect(timelines.addToTimeline).toHaveBeenCalledWith(user, [VIDEO]);

    sut.unfollowed(user, owner);
    await handler(enqueued[1].job, CONTEXT);
    expect(timelines.removeOwner).toHaveBeenCalledWith(user, owner);

    sut.videoWithdrawn(VIDEO.videoId);
    await handler(enqueued[2].job, CONTEXT);
    expect(timelines.removeVideo).toHaveBeenCalledWith(VIDEO.videoId);
  });

  it('lets a failure through to the queue, which retries the job', async () => {
    follows.followersBatch.mockRejectedValue(new Error('engine down'));
    sut.videoPublished(VIDEO);
    await expect(handler(enqueued[0].job, CONTEXT)).rejects.toThrow('engine down');
  });
});
