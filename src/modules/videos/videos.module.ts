import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { MediaStorageModule } from 'src/infrastructure/media/media-storage.module';
import { UsersModule } from 'src/modules/users/users.module';
import { createVideoViewSchema, VideoView } from 'src/modules/videos/schemas/video-view.schema';
import { Video, VideoSchema } from 'src/modules/videos/schemas/video.schema';
import { VideoMediaService } from 'src/modules/videos/video-media.service';
import { VideoViewsRepository } from 'src/modules/videos/video-views.repository';
import { VideosController } from 'src/modules/videos/videos.controller';
import { VideosRepository } from 'src/modules/videos/videos.repository';
import { VideosService } from 'src/modules/videos/videos.service';

/**
 * Videos, their media and their view markers (§4). Ports it consumes — watch history
 * (required), likes and follow figures (optional) — are bound by the modules that own that
 * data, which depend on videos and therefore provide them globally instead of being imported.
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
    MediaStorageModule,
    UsersModule,
  ],
  controllers: [VideosController],
  providers: [VideosRepository, VideoViewsRepository, VideoMediaService, VideosService],
  exports: [VideosService],
})
export class VideosModule {}
