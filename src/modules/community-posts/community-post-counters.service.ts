import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from 'src/common/events/domain-events';
import { CommunityPostsRepository } from 'src/modules/community-posts/community-posts.repository';

/**
 * A post's maintained counters: `likesCount`, moved by the like events in the request that
 * likes or unlikes, and `commentsCount`, moved by the comments domain above. Each move is one
 * atomic `$inc`; the reconcile job repairs what a crash between two writes leaves behind.
 */
@Injectable()
export class CommunityPostCountersService {
  constructor(private readonly posts: CommunityPostsRepository) {}

  @OnDomainEvent('like.added')
  async onLikeAdded(event: DomainEvent<'like.added'>): Promise<void> {
    if (event.payload.targetType === 'communityPost')
      await this.posts.incrementLikes(event.payload.targetId, 1);
  }

  @OnDomainEvent('like.removed')
  async onLikeRemoved(event: DomainEvent<'like.removed'>): Promise<void> {
    if (event.payload.targetType === 'communityPost')
      await this.posts.incrementLikes(event.payload.targetId, -1);
  }

  /** Comments (and replies) added (> 0) or removed (< 0) on the post. */
  moveComments(postId: string, delta: number): Promise<void> {
    return this.posts.incrementComments(postId, delta);
  }

  /** The like endpoints' answer: the stored `likesCount`, or null when the post is gone. */
  likesCount(postId: string): Promise<number | null> {
    return this.posts.findLikesCount(postId);
  }
}
