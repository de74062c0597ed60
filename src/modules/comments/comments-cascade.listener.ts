import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { CommentParent } from 'src/modules/comments/comment-records.type';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import { CommentsDeletedEvent } from 'src/modules/comments/events/comments-deleted.event';
import { CommunityPostDeletedEvent } from 'src/modules/community-posts/events/community-post-deleted.event';
import { VideoDeletedEvent } from 'src/modules/videos/events/video-deleted.event';

/** Comments removed per round; bounds each query and each `$in` list. */
const BATCH_SIZE = 500;

/**
 * Removes the comments of a deleted video (V6) or post (P5), and the likes on those comments.
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
    private readonly events: EventEmitter2,
  ) {}

  @OnEvent(VideoDeletedEvent.eventName)
  async onVideoDeleted(event: VideoDeletedEvent): Promise<void> {
    await this.removeAllOf(
      { kind: 'video', id: event.videoId },
      `video ${event.videoId} (owner ${event.ownerId})`,
    );
  }

  @OnEvent(CommunityPostDeletedEvent.eventName)
  async onPostDeleted(event: CommunityPostDeletedEvent): Promise<void> {
    await this.removeAllOf(
      { kind: 'communityPost', id: event.postId },
      `community post ${event.postId} (owner ${event.ownerId})`,
    );
  }

  private async removeAllOf(parent: CommentParent, what: string): Promise<void> {
    let ids: string[] = [];
    try {
      for (;;) {
        ids = await this.comments.findIdsOfParent(parent, BATCH_SIZE);
        if (ids.length === 0) return;
        await this.events.emitAsync(CommentsDeletedEvent.eventName, new CommentsDeletedEvent(ids));
        // Nothing deleted means another run of this clean-up took the batch; it finishes the job.
        if ((await this.comments.deleteByIds(ids)) === 0) return;
        if (ids.length < BATCH_SIZE) return;
      }
    } catch (error) {
      this.logger.error(
        `Removing the comments of deleted ${what} failed (batch: ${ids.join(', ')})`,
        error instanceof Error ? error.stack : String(error),
      );
    }
  }
}
