import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { CommentsDeletedEvent } from 'src/modules/comments/events/comments-deleted.event';
import { CommunityPostDeletedEvent } from 'src/modules/community-posts/events/community-post-deleted.event';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import { VideoDeletedEvent } from 'src/modules/videos/events/video-deleted.event';

/**
 * Removes the likes of deleted targets. Each step is one idempotent `deleteMany`. The target is
 * already gone when these run, so a like given meanwhile fails its own re-check and removes
 * itself (see `toggleRelation`): nothing is left behind whichever runs first.
 */
@Injectable()
export class LikesCascadeListener {
  private readonly logger = new Logger(LikesCascadeListener.name);

  constructor(private readonly likes: LikesRepository) {}

  /** V6: the video's own likes (its comments' likes arrive through `CommentsDeletedEvent`). */
  @OnEvent(VideoDeletedEvent.eventName)
  async onVideoDeleted(event: VideoDeletedEvent): Promise<void> {
    try {
      await this.likes.deleteForTargets('video', [event.videoId]);
    } catch (error) {
      this.logFailure(`video ${event.videoId} (owner ${event.ownerId})`, error);
    }
  }

  /** P5: the post's own likes. */
  @OnEvent(CommunityPostDeletedEvent.eventName)
  async onPostDeleted(event: CommunityPostDeletedEvent): Promise<void> {
    try {
      await this.likes.deleteForTargets('communityPost', [event.postId]);
    } catch (error) {
      this.logFailure(`community post ${event.postId} (owner ${event.ownerId})`, error);
    }
  }

  /**
   * C6 and the parent cascades. Errors propagate to the publisher (`suppressErrors: false`):
   * a parent cascade then keeps that batch of comments for a retry instead of orphaning the likes.
   */
  @OnEvent(CommentsDeletedEvent.eventName, { suppressErrors: false })
  async onCommentsDeleted(event: CommentsDeletedEvent): Promise<void> {
    await this.likes.deleteForTargets('comment', event.commentIds);
  }

  private logFailure(what: string, error: unknown): void {
    this.logger.error(
      `Removing the likes of deleted ${what} failed`,
      error instanceof Error ? error.stack : String(error),
    );
  }
}
