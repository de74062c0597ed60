import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from 'src/common/events/domain-events';
import { NotificationJobsService } from 'src/features/notifications/notification-jobs.service';

/**
 * Turns domain events into notification jobs. Enqueueing is all a listener does, so the request
 * that liked, followed, commented or published waits for no notification write.
 */
@Injectable()
export class NotificationEventsListener {
  constructor(private readonly jobs: NotificationJobsService) {}

  @OnDomainEvent('like.added')
  onLikeAdded({ payload }: DomainEvent<'like.added'>): Promise<void> {
    this.jobs.enqueue({ kind: 'like', ...payload, actorId: payload.userId, at: Date.now() });
    return Promise.resolve();
  }

  @OnDomainEvent('like.removed')
  onLikeRemoved({ payload }: DomainEvent<'like.removed'>): Promise<void> {
    this.jobs.enqueue({
      kind: 'unlike',
      targetType: payload.targetType,
      targetId: payload.targetId,
      actorId: payload.userId,
    });
    return Promise.resolve();
  }

  @OnDomainEvent('follow.added')
  onFollowAdded({ payload }: DomainEvent<'follow.added'>): Promise<void> {
    this.jobs.enqueue({ kind: 'follow', ...payload, at: Date.now() });
    return Promise.resolve();
  }

  @OnDomainEvent('follow.removed')
  onFollowRemoved({ payload }: DomainEvent<'follow.removed'>): Promise<void> {
    this.jobs.enqueue({ kind: 'unfollow', ...payload });
    return Promise.resolve();
  }

  @OnDomainEvent('comment.created')
  onCommentCreated({ payload }: DomainEvent<'comment.created'>): Promise<void> {
    this.jobs.enqueue({ kind: 'comment', comment: payload, at: Date.now() });
    return Promise.resolve();
  }

  @OnDomainEvent('comment.deleted')
  onCommentDeleted({ payload }: DomainEvent<'comment.deleted'>): Promise<void> {
    this.jobs.enqueue({ kind: 'uncomment', comment: payload });
    return Promise.resolve();
  }

  @OnDomainEvent('video.published')
  onVideoPublished({ payload }: DomainEvent<'video.published'>): Promise<void> {
    this.jobs.enqueue({
      kind: 'new-video',
      videoId: payload.videoId,
      ownerId: payload.ownerId,
      createdAt: payload.createdAt.getTime(),
      at: Date.now(),
      after: null,
    });
    return Promise.resolve();
  }

  /** Only the owner sees an unpublished video: everyone else's notifications about it go. */
  @OnDomainEvent('video.unpublished')
  onVideoUnpublished({ payload }: DomainEvent<'video.unpublished'>): Promise<void> {
    this.jobs.enqueue({ kind: 'video-hidden', videoId: payload.videoId, ownerId: payload.ownerId });
    return Promise.resolve();
  }

  /** A processing run ended: its owner is told (a system notification, no actor). */
  @OnDomainEvent('video.processed')
  onVideoProcessed({ payload }: DomainEvent<'video.processed'>): Promise<void> {
    this.jobs.enqueue({ kind: 'video-processed', ...payload, at: Date.now() });
    return Promise.resolve();
  }

  @OnDomainEvent('video.deleted')
  onVideoDeleted({ payload }: DomainEvent<'video.deleted'>): Promise<void> {
    this.jobs.enqueue({
      kind: 'removed',
      id: payload.videoId,
      queueKey: `video:${payload.videoId}`,
    });
    return Promise.resolve();
  }

  @OnDomainEvent('community-post.deleted')
  onPostDeleted({ payload }: DomainEvent<'community-post.deleted'>): Promise<void> {
    this.jobs.enqueue({ kind: 'removed', id: payload.postId, queueKey: `post:${payload.postId}` });
    return Promise.resolve();
  }
}
