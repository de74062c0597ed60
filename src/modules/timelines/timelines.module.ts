import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import {
  TimelineEntry,
  TimelineEntrySchema,
} from 'src/modules/timelines/schemas/timeline-entry.schema';
import { Timeline, TimelineSchema } from 'src/modules/timelines/schemas/timeline.schema';
import { TimelinesRepository } from 'src/modules/timelines/timelines.repository';
import { TimelinesService } from 'src/modules/timelines/timelines.service';

/**
 * The following feed's store: per-user timelines of video ids. It imports no other domain; the
 * feed feature (src/features/feed) fills and empties it from the domain events of videos and
 * follows, and turns its pages into video cards.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: TimelineEntry.name, schema: TimelineEntrySchema },
      { name: Timeline.name, schema: TimelineSchema },
    ]),
  ],
  providers: [TimelinesRepository, TimelinesService],
  exports: [TimelinesService],
})
export class TimelinesModule {}
