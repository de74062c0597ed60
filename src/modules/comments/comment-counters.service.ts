import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from 'src/common/events/domain-events';
import { CommentsRepository } from 'src/modules/comments/comments.repository';

/**
 * A comment's maintained `likesCount`, moved by the like events in the request that likes or
 * unlikes (one atomic `$inc`); the reconcile job repairs what a crash leaves behind.
 */
@Injectable()
export class CommentCountersService {
  constructor(private readonly comments: CommentsRepository) {}

  @OnDomainEvent('like.added')
  async onLikeAdded(event: DomainEvent<'like.added'>): Promise<void> {
    if (event.payload.targetType === 'comment')
      await this.comments.incrementLikes(event.payload.targetId, 1);
  }

  @OnDomainEvent('like.removed')
  async onLikeRemoved(event: DomainEvent<'like.removed'>): Promise<void> {
    if (event.payload.targetType === 'comment')
      await this.comments.incrementLikes(event.payload.targetId, -1);
  }

  /** The like endpoints' answer: the stored `likesCount`, or null when the comment is gone. */
  likesCount(commentId: string): Promise<number | null> {
    return this.comments.findLikesCount(commentId);
  }
}
