import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from 'src/common/events/domain-events';
import { FeedJobsService } from 'src/features/feed/feed-jobs.service';

/**
 * Turns the events of videos and follows into feed jobs. Enqueueing is all a listener does, so
 * the request that published, followed or deleted waits for no timeline write.
 */
@Injectable()
export class FeedEventsListener {
  constructor(private readonly jobs: FeedJobsService) {}

  @OnDomainEvent('video.published')
  onVideoPublished(event: DomainEvent<'video.published'>): Promise<void> {
    this.jobs.videoPublished(event.payload);
    return Promise.resolve();
  }

  @OnDomainEvent('video.unpublished')
  onVideoUnpublished(event: DomainEvent<'video.unpublished'>): Promise<void> {
    this.jobs.videoWithdrawn(event.payload.videoId);
    return Promise.resolve();
  }

  @OnDomainEvent('video.deleted')
  onVideoDeleted(event: DomainEvent<'video.deleted'>): Promise<void> {
    this.jobs.videoWithdrawn(event.payload.videoId);
    return Promise.resolve();
  }

  @OnDomainEvent('follow.added')
  onFollowAdded(event: DomainEvent<'follow.added'>): Promise<void> {
    this.jobs.followed(event.payload.followerId, event.payload.followingId);
    return Promise.resolve();
  }

  @OnDomainEvent('follow.removed')
  onFollowRemoved(event: DomainEvent<'follow.removed'>): Promise<void> {
    this.jobs.unfollowed(event.payload.followerId, event.payload.followingId);
    return Promise.resolve();
  }
}
