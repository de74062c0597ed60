import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { WatchHistoryPort } from 'src/modules/videos/ports/watch-history.port';
import { VideosModule } from 'src/modules/videos/videos.module';
import {
  WatchHistoryEntry,
  WatchHistoryEntrySchema,
} from 'src/modules/watch-history/schemas/watch-history.schema';
import { VideoDeletedListener } from 'src/modules/watch-history/video-deleted.listener';
import { WatchHistoryController } from 'src/modules/watch-history/watch-history.controller';
import { WatchHistoryRecorder } from 'src/modules/watch-history/watch-history.recorder';
import { WatchHistoryRepository } from 'src/modules/watch-history/watch-history.repository';
import { WatchHistoryService } from 'src/modules/watch-history/watch-history.service';

/**
 * U7, U8 and the history writes of V4. It depends on videos (history items are video cards),
 * so it cannot be imported by videos; `@Global()` is what lets it bind the videos module's
 * `WatchHistoryPort`, its only export.
 */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([{ name: WatchHistoryEntry.name, schema: WatchHistoryEntrySchema }]),
    VideosModule,
  ],
  controllers: [WatchHistoryController],
  providers: [
    WatchHistoryRepository,
    WatchHistoryRecorder,
    WatchHistoryService,
    VideoDeletedListener,
    { provide: WatchHistoryPort, useExisting: WatchHistoryRecorder },
  ],
  exports: [WatchHistoryPort],
})
export class WatchHistoryModule {}
