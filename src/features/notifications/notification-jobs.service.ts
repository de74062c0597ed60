import { Injectable, Logger } from '@nestjs/common';
import type { DomainEventMap } from 'src/common/events/domain-events';
import type { JobQueue } from 'src/infrastructure/jobs/job-queue';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { NotificationStreamService } from 'src/features/notifications/notification-stream.service';
import { CommentsService } from 'src/modules/comments/comments.service';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import {
  type FollowersPosition,
  FollowStateService,
} from 'src/modules/follows/follow-state.service';
import type {
  ActorNotificationType,
  SystemNotificationType,
} from 'src/modules/notifications/notification-types.constant';
import {
  type NotificationAction,
  NotificationsService,
} from 'src/modules/notifications/notifications.service';
import { UsersService } from 'src/modules/users/users.service';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';

/** Followers told of a new video per job. */
export const NEW_VIDEO_BATCH_SIZE = 500;

type LikeTarget = DomainEventMap['like.added']['targetType'];
type CommentEvent = DomainEventMap['comment.created'];

/** The notifications' jobs; each is idempotent, so a retry does no harm. */
export type NotificationJob =
  | { kind: 'like'; targetType: LikeTarget; targetId: string; actorId: string; at: number }
  | { kind: 'unlike'; targetType: LikeTarget; targetId: string; actorId: string }
  | { kind: 'follow'; followerId: string; followingId: string; at: number }
  | { kind: 'unfollow'; followerId: string; followingId: string }
  | { kind: 'comment'; comment: CommentEvent; at: number }
  | { kind: 'uncomment'; comment: DomainEventMap['comment.deleted'] }
  | {
      kind: 'new-video';
      videoId: string;
      ownerId: string;
      createdAt: number;
      at: number;
      after: FollowersPosition | null;
    }
  | { kind: 'video-hidden'; videoId: string; ownerId: string }
  | {
      kind: 'video-processed';
      videoId: string;
      ownerId: string;
      state: DomainEventMap['video.processed']['state'];
      at: number;
    }
  | { kind: 'removed'; id: string; queueKey: string };

const LIKE_TYPES: Record<LikeTarget, ActorNotificationType> = {
  video: 'video_like',
  comment: 'comment_like',
  communityPost: 'post_like',
};

/** A processing run's outcome as the owner is told of it; each supersedes the other. */
const PROCESSED_TYPES: Record<DomainEventMap['video.processed']['state'], SystemNotificationType> =
  {
    ready: 'video_ready',
    failed: 'video_processing_failed',
  };

/**
 * The notifications' writes, off the request path on the `notifications` job queue. Jobs about
 * one subject share a key (`video:<id>`, `comment:<id>`, `post:<id>`, `user:<follower>`), so the
 * queue runs them in order, one at a time: an unlike runs after the like it undoes, a video's
 * removal after its fan-out, and the actions of one group never race each other in a process.
 *
 * Each write re-reads the subject first: content deleted or hidden in the meantime gets no
 * notification (its cascade, queued under the same key or already run, finds nothing to remove).
 */
@Injectable()
export class NotificationJobsService {
  private readonly logger = new Logger(NotificationJobsService.name);
  private readonly queue: JobQueue<NotificationJob>;

  constructor(
    jobs: JobQueues,
    private readonly notifications: NotificationsService,
    private readonly videos: VideoCatalogueService,
    private readonly posts: CommunityPostsService,
    private readonly comments: CommentsService,
    private readonly follows: FollowStateService,
    private readonly users: UsersService,
    private readonly stream: NotificationStreamService,
  ) {
    this.queue = jobs.create<NotificationJob>('notifications', (job) => this.run(job));
  }

  enqueue(job: NotificationJob): string {
    return this.queue.enqueue(job, { key: keyOf(job) });
  }

  private async run(job: NotificationJob): Promise<void> {
    switch (job.kind) {
      case 'like':
        return this.like(job);
      case 'unlike':
        return this.stream.announce(
          await this.notifications.removeActor(
            LIKE_TYPES[job.targetType],
            job.targetId,
            job.actorId,
          ),
        );
      case 'follow':
        return this.follow(job);
      case 'unfollow':
        return this.stream.announce(
          await this.notifications.removeActor(
            'follow',
            job.followerId,
            job.followerId,
            job.followingId,
          ),
        );
      case 'comment':
        return this.comment(job.comment, new Date(job.at));
      case 'uncomment':
        return this.uncomment(job.comment);
      case 'new-video':
        return this.newVideo(job);
      case 'video-hidden':
        await this.notifications.removeReferencingExceptFor(job.videoId, job.ownerId);
        return;
      case 'video-processed':
        return this.videoProcessed(job);
      case 'removed':
        await this.notifications.removeReferencing([job.id]);
        return;
    }
  }

  /** Records an action and tells the recipient's streams. */
  private async record(action: NotificationAction): Promise<void> {
    const notificationId = await this.notifications.record(action);
    if (notificationId !== null)
      await this.stream.announce([
        { recipientId: action.recipientId, notificationId, removed: false },
      ]);
  }

  private async like(job: Extract<NotificationJob, { kind: 'like' }>): Promise<void> {
    const at = new Date(job.at);
    const type = LIKE_TYPES[job.targetType];
    switch (job.targetType) {
      case 'video': {
        const video = await this.videos.findVisibleSummary(job.targetId, job.actorId);
        if (!video) return;
        await this.record({
          recipientId: video.ownerId,
          actorId: job.actorId,
          type,
          subject: { kind: 'video', id: job.targetId, text: video.title },
          refs: [],
          at,
        });
        return;
      }
      case 'comment': {
        const comment = await this.comments.findSummary(job.targetId, job.actorId);
        if (!comment) return;
        await this.record({
          recipientId: comment.authorId,
          actorId: job.actorId,
          type,
          subject: { kind: 'comment', id: job.targetId, text: comment.content },
          refs: [comment.parent.id, ...(comment.threadId === null ? [] : [comment.threadId])],
          at,
        });
        return;
      }
      case 'communityPost': {
        const post = await this.posts.findVisibleSummary(job.targetId);
        if (!post) return;
        await this.record({
          recipientId: post.ownerId,
          actorId: job.actorId,
          type,
          subject: { kind: 'communitypost', id: job.targetId, text: post.content },
          refs: [],
          at,
        });
        return;
      }
    }
  }

  private async follow(job: Extract<NotificationJob, { kind: 'follow' }>): Promise<void> {
    const follower = await this.users.findVisibleUserById(job.followerId);
    if (!follower) return;
    await this.record({
      recipientId: job.followingId,
      actorId: job.followerId,
      type: 'follow',
      subject: { kind: 'user', id: job.followerId, text: follower.username },
      refs: [job.followingId],
      at: new Date(job.at),
    });
  }

  /** A top-level comment tells the video's or post's owner; a reply tells the author it answers. */
  private async comment(event: CommentEvent, at: Date): Promise<void> {
    if (event.threadId !== null && event.answeredUserId !== null) {
      const thread = await this.comments.findSummary(event.threadId, event.authorId);
      if (!thread) return;
      await this.record({
        recipientId: event.answeredUserId,
        actorId: event.authorId,
        type: 'comment_reply',
        subject: { kind: 'comment', id: event.threadId, text: thread.content },
        refs: [event.parent.id],
        at,
      });
      return;
    }
    if (event.parent.kind === 'video') {
      const video = await this.videos.findVisibleSummary(event.parent.id, event.authorId);
      if (!video) return;
      await this.record({
        recipientId: video.ownerId,
        actorId: event.authorId,
        type: 'video_comment',
        subject: { kind: 'video', id: event.parent.id, text: video.title },
        refs: [],
        at,
      });
      return;
    }
    const post = await this.posts.findVisibleSummary(event.parent.id);
    if (!post) return;
    await this.record({
      recipientId: post.ownerId,
      actorId: event.authorId,
      type: 'post_comment',
      subject: { kind: 'communitypost', id: event.parent.id, text: post.content },
      refs: [],
      at,
    });
  }

  /**
   * A deleted comment: its author leaves the group it joined (a reply's on its thread, a
   * top-level comment's on its video or post), and whatever pointed at the comment goes (its
   * likes' notifications; for a thread, the replies' notifications about it).
   */
  private async uncomment(event: DomainEventMap['comment.deleted']): Promise<void> {
    const changed =
      event.threadId !== null
        ? await this.notifications.removeActor('comment_reply', event.threadId, event.authorId)
        : await this.notifications.removeActor(
            event.parent.kind === 'video' ? 'video_comment' : 'post_comment',
            event.parent.id,
            event.authorId,
          );
    await this.stream.announce(changed);
    await this.notifications.removeReferencing([event.commentId]);
  }

  /**
   * A processing run of a video ended: its owner's one item of that outcome on the video
   * (refreshed, never repeated, by a retry that ends the same way), replacing the item of the
   * other outcome. A video deleted meanwhile gets none (its removal job runs after, under the
   * same key); one whose owner changed is not the event's owner's any more.
   */
  private async videoProcessed(
    job: Extract<NotificationJob, { kind: 'video-processed' }>,
  ): Promise<void> {
    const video = await this.videos.findVisibleSummary(job.videoId, job.ownerId);
    if (!video || video.ownerId !== job.ownerId) return;
    const type = PROCESSED_TYPES[job.state];
    await this.stream.announce(
      await this.notifications.recordSystem({
        recipientId: job.ownerId,
        type,
        subject: { kind: 'video', id: job.videoId, text: video.title },
        refs: [],
        supersedes: Object.values(PROCESSED_TYPES),
        at: new Date(job.at),
      }),
    );
  }

  /**
   * One batch of the creator's followers: the video is checked first (an unpublished or deleted
   * video stops the walk; its removal job, under the same key, takes back earlier batches),
   * then one group per follower, in one bulk insert, and the next batch is queued.
   */
  private async newVideo(job: Extract<NotificationJob, { kind: 'new-video' }>): Promise<void> {
    const video = await this.videos.findVisibleSummary(job.videoId, null);
    if (!video?.isPublished) return;
    const batch = await this.follows.followersBatch(job.ownerId, job.after, NEW_VIDEO_BATCH_SIZE);
    const written = await this.notifications.recordForMany(batch.followerIds, {
      actorId: job.ownerId,
      type: 'new_video',
      subject: { kind: 'video', id: job.videoId, text: video.title },
      refs: [],
      // one group per (follower, video), whenever and however often the video is published
      windowStart: new Date(job.createdAt),
      at: new Date(job.at),
    });
    await this.stream.announce(written);
    if (batch.next !== null) this.enqueue({ ...job, after: batch.next });
    else if (written.length > 0)
      this.logger.log(
        `New-video notifications of video ${job.videoId}: last batch, ${written.length}`,
      );
  }
}

function keyOf(job: NotificationJob): string {
  switch (job.kind) {
    case 'like':
    case 'unlike':
      return `${job.targetType === 'communityPost' ? 'post' : job.targetType}:${job.targetId}`;
    case 'follow':
    case 'unfollow':
      return `user:${job.followerId}`;
    case 'comment':
    case 'uncomment':
      return job.comment.threadId !== null
        ? `comment:${job.comment.threadId}`
        : `${job.comment.parent.kind === 'video' ? 'video' : 'post'}:${job.comment.parent.id}`;
    case 'new-video':
    case 'video-hidden':
    case 'video-processed':
      return `video:${job.videoId}`;
    case 'removed':
      return job.queueKey;
  }
}
