import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { DatabaseModule } from 'src/infrastructure/database/database.module';
import { MediaStorageModule } from 'src/infrastructure/media/media-storage.module';
import { TranscoderModule } from 'src/infrastructure/transcoder/transcoder.module';
import { FollowsModule } from 'src/modules/follows/follows.module';
import { LikesModule } from 'src/modules/likes/likes.module';
import { ResumableUploadsModule } from 'src/modules/resumable-uploads/resumable-uploads.module';
import { UsersModule } from 'src/modules/users/users.module';
import { createVideoViewSchema, VideoView } from 'src/modules/videos/schemas/video-view.schema';
import { Video, VideoSchema } from 'src/modules/videos/schemas/video.schema';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';
import { VideoCountersService } from 'src/modules/videos/video-counters.service';
import { VideoCounterRepairService } from 'src/modules/videos/video-counter-repair.service';
import { VideoDependentsService } from 'src/modules/videos/video-dependents.service';
import { VideoMediaService } from 'src/modules/videos/video-media.service';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import { VideoViewsRepository } from 'src/modules/videos/video-views.repository';
import { VideoViewsService } from 'src/modules/videos/video-views.service';
import { VideosController } from 'src/modules/videos/videos.controller';
import { VideosRepository } from 'src/modules/videos/videos.repository';
import { VideoWatchPageService } from 'src/modules/videos/video-watch-page.service';
import { VideosService } from 'src/modules/videos/videos.service';
import { CloudinaryWebhookController } from 'src/modules/videos/webhooks/cloudinary-webhook.controller';
import { WatchHistoryModule } from 'src/modules/watch-history/watch-history.module';

/**
 * Videos, their media and their view markers, their counters, and the video catalogue every
 * list of cards is built with. Below it: users (owners and their channel counters), likes (whether
 * a viewer likes a video; the like events keep `likesCount`), follows (whether the viewer follows
 * the owner) and watch history (which a view records into).
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: Video.name, schema: VideoSchema }]),
    MongooseModule.forFeatureAsync([
      {
        name: VideoView.name,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => createVideoViewSchema(config.views.dedupWindowHours),
      },
    ]),
    // The supervisor's `whenReady`: the boot pick-up of unfinished processing waits for it.
    DatabaseModule,
    MediaStorageModule,
    TranscoderModule,
    UsersModule,
    LikesModule,
    FollowsModule,
    WatchHistoryModule,
    ResumableUploadsModule,
  ],
  controllers: [VideosController, CloudinaryWebhookController],
  providers: [
    CursorCodecService,
    CursorPagesService,
    VideosRepository,
    VideoViewsRepository,
    VideoMediaService,
    VideoProcessingService,
    VideoCatalogueService,
    VideoCountersService,
    VideoViewsService,
    VideoDependentsService,
    VideoWatchPageService,
    VideosService,
    VideoCounterRepairService,
  ],
  exports: [VideosService, VideoCatalogueService, VideoCountersService, VideoCounterRepairService],
})
export class VideosModule {}
