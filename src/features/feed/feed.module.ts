import { Module } from '@nestjs/common';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { FeedEventsListener } from 'src/features/feed/feed-events.listener';
import { FeedJobsService } from 'src/features/feed/feed-jobs.service';
import { FeedController } from 'src/features/feed/feed.controller';
import { FeedService } from 'src/features/feed/feed.service';
import { FollowsModule } from 'src/modules/follows/follows.module';
import { TimelinesModule } from 'src/modules/timelines/timelines.module';
import { VideosModule } from 'src/modules/videos/videos.module';

/**
 * The following feed (`GET /feed/videos`): fan-out on write. Video and follow events become jobs that fill and
 * empty the per-user timelines (timelines module); the feed page reads a timeline and shows its
 * videos as cards (videos module), checked against the caller's follows (follows module).
 */
@Module({
  imports: [TimelinesModule, VideosModule, FollowsModule],
  controllers: [FeedController],
  providers: [FeedService, FeedJobsService, FeedEventsListener, CursorCodecService],
})
export class FeedModule {}
