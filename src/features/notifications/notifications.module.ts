import { Module } from '@nestjs/common';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { NotificationEventsListener } from 'src/features/notifications/notification-events.listener';
import { NotificationInboxService } from 'src/features/notifications/notification-inbox.service';
import { NotificationResponsesService } from 'src/features/notifications/notification-responses.service';
import { NotificationStreamService } from 'src/features/notifications/notification-stream.service';
import { NotificationJobsService } from 'src/features/notifications/notification-jobs.service';
import { NotificationsController } from 'src/features/notifications/notifications.controller';
import { AuthModule } from 'src/modules/auth/auth.module';
import { CommentsModule } from 'src/modules/comments/comments.module';
import { CommunityPostsModule } from 'src/modules/community-posts/community-posts.module';
import { FollowsModule } from 'src/modules/follows/follows.module';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { UsersModule } from 'src/modules/users/users.module';
import { VideosModule } from 'src/modules/videos/videos.module';

/**
 * Notifications (docs/api.md#notifications): the events of likes, follows, comments and videos
 * become jobs on the `notifications` queue that fill the store (notifications module), after
 * checking the subject in its domain; the `/notifications` routes read it and show the actors
 * (users module); a stream ends with its session (auth module).
 */
@Module({
  imports: [
    AuthModule,
    NotificationsModule,
    UsersModule,
    FollowsModule,
    VideosModule,
    CommunityPostsModule,
    CommentsModule,
  ],
  controllers: [NotificationsController],
  providers: [
    NotificationInboxService,
    NotificationResponsesService,
    NotificationStreamService,
    NotificationJobsService,
    NotificationEventsListener,
    CursorCodecService,
  ],
})
export class NotificationsFeatureModule {}
