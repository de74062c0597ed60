import { Module } from '@nestjs/common';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { HistoryListService } from 'src/features/engagement/history-list.service';
import { LikeActionsService } from 'src/features/engagement/like-actions.service';
import { LikesController } from 'src/features/engagement/likes.controller';
import { WatchHistoryController } from 'src/features/engagement/watch-history.controller';
import { CommentsModule } from 'src/modules/comments/comments.module';
import { CommunityPostsModule } from 'src/modules/community-posts/community-posts.module';
import { LikesModule } from 'src/modules/likes/likes.module';
import { VideosModule } from 'src/modules/videos/videos.module';
import { WatchHistoryModule } from 'src/modules/watch-history/watch-history.module';

/**
 * What a viewer does with content across domains: likes on videos, comments and posts (each
 * toggle checks its target's visibility in the target's domain), the liked-videos list and the
 * watch history, both shown as video cards.
 */
@Module({
  imports: [LikesModule, WatchHistoryModule, VideosModule, CommentsModule, CommunityPostsModule],
  controllers: [LikesController, WatchHistoryController],
  providers: [CursorCodecService, CursorPagesService, LikeActionsService, HistoryListService],
})
export class EngagementModule {}
