import { Injectable } from '@nestjs/common';
import {
  type CounterFix,
  type FixOutcome,
  type IdSelection,
  isEmptySelection,
  readStoredCounters,
  type StoredCounters,
} from 'src/common/database/stored-counters.util';
import {
  VIDEO_COUNTER_FIELDS,
  type VideoCounterField,
} from 'src/modules/videos/schemas/video.schema';
import type { VideoCountersRecord } from 'src/modules/videos/video-records.type';
import { VideosRepository } from 'src/modules/videos/videos.repository';

/** A video's stored counters, and its owner (whose channel totals sum them). */
export interface StoredVideoCounters extends StoredCounters<VideoCounterField> {
  ownerId: string;
}

/** One owner's catalogue figures, summed from their videos' stored fields. */
export interface OwnerVideoTotals {
  videos: number;
  views: number;
  likes: number;
  publishedVideos: number;
  publishedViews: number;
  publishedLikes: number;
}

export const NO_VIDEO_TOTALS: Readonly<OwnerVideoTotals> = Object.freeze({
  videos: 0,
  views: 0,
  likes: 0,
  publishedVideos: 0,
  publishedViews: 0,
  publishedLikes: 0,
});

/**
 * The videos' side of the counters reconcile job (src/features/counters): their stored counters
 * in bounded batches or by id, the compare-and-set fixes the job decides, and the owners' totals
 * that the channel counters must equal. The job recounts likes and comments in their own domains.
 */
@Injectable()
export class VideoCounterRepairService {
  constructor(private readonly videos: VideosRepository) {}

  /** The next `limit` videos after `afterId` (from the first when null), in `_id` order. */
  async batchAfter(afterId: string | null, limit: number): Promise<StoredVideoCounters[]> {
    return (await this.videos.findCountersAfter(afterId, limit)).map(toStored);
  }

  /** These videos' stored counters; ids of videos that do not exist are left out. */
  async byIds(videoIds: string[]): Promise<StoredVideoCounters[]> {
    if (videoIds.length === 0) return [];
    return (await this.videos.findCountersByIds(videoIds)).map(toStored);
  }

  apply(fixes: CounterFix<VideoCounterField>[]): Promise<FixOutcome<VideoCounterField>> {
    return this.videos.applyCounterFixes(fixes);
  }

  /** Per selected owner, their catalogue's totals; owners without videos are absent (all 0). */
  async ownerTotals(owners: IdSelection): Promise<Map<string, OwnerVideoTotals>> {
    if (isEmptySelection(owners)) return new Map();
    const rows = await this.videos.sumOwnerTotals(owners);
    return new Map(rows.map(({ _id, ...totals }) => [_id.toHexString(), totals]));
  }
}

function toStored(record: VideoCountersRecord): StoredVideoCounters {
  return {
    id: record._id.toHexString(),
    ownerId: record.owner.toHexString(),
    counters: readStoredCounters(record, VIDEO_COUNTER_FIELDS),
  };
}
