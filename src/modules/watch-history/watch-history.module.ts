import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  WatchHistoryEntry,
  WatchHistoryEntrySchema,
} from 'src/modules/watch-history/schemas/watch-history.schema';
import { WatchHistoryRepository } from 'src/modules/watch-history/watch-history.repository';
import { WatchHistoryService } from 'src/modules/watch-history/watch-history.service';

/** The watch-history store, below videos (which record watches into it). */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: WatchHistoryEntry.name, schema: WatchHistoryEntrySchema }]),
  ],
  providers: [WatchHistoryRepository, WatchHistoryService],
  exports: [WatchHistoryService],
})
export class WatchHistoryModule {}
