import { Injectable, Logger } from '@nestjs/common';
import { errorTrace } from 'src/common/errors/describe-error.util';
import { type DomainEvent, OnDomainEvent } from 'src/common/events/domain-events';
import type { CommentParent } from 'src/modules/comments/comment-records.type';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import { LikesService } from 'src/modules/likes/likes.service';

/** Comments removed per round; bounds each query and each `$in` list. */
const BATCH_SIZE = 500;

/**
 * Removes the comments of a deleted video or post, and the likes on those comments.
 * Runs after the parent document is gone, so no new comment or comment like can stick (both
 * re-check the parent after writing). Per batch: likes first, then the comments, so that a
 * failure leaves comments that still lead to their likes, and a retry of the event finishes the
 * job. Failures are logged at error level with the ids and never reach the deleting request.
 */
@Injectable()
export class CommentsCascadeListener {
  private readonly logger = new Logger(CommentsCascadeListener.name);

  constructor(
    private readonly comments: CommentsRepository,
    private readonly likes: LikesService,
  ) {}

  @OnDomainEvent('video.deleted')
  async onVideoDeleted(event: DomainEvent<'video.deleted'>): Promise<void> {
    await this.removeAllOf(
      { kind: 'video', id: event.payload.videoId },
      `video ${event.payload.videoId} (owner ${event.payload.ownerId})`,
    );
  }

  @OnDomainEvent('community-post.deleted')
  async onPostDeleted(event: DomainEvent<'community-post.deleted'>): Promise<void> {
    await this.removeAllOf(
      { kind: 'communityPost', id: event.payload.postId },
      `community post ${event.payload.postId} (owner ${event.payload.ownerId})`,
    );
  }

  private async removeAllOf(parent: CommentParent, what: string): Promise<void> {
    let ids: string[] = [];
    try {
      for (;;) {
        ids = await this.comments.findIdsOfParent(parent, BATCH_SIZE);
        if (ids.length === 0) return;
        await this.likes.removeAllOn('comment', ids);
        // Nothing deleted means another run of this clean-up took the batch; it finishes the job.
        if ((await this.comments.deleteByIds(ids)) === 0) return;
        if (ids.length < BATCH_SIZE) return;
      }
    } catch (error) {
      this.logger.error(
        `Removing the comments of deleted ${what} failed (batch: ${ids.join(', ')})`,
        errorTrace(error),
      );
    }
  }
}
