import { Injectable } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import type { NewTimelineEntry, TimelineKey } from 'src/modules/timelines/timeline-records.type';
import { TimelinesRepository } from 'src/modules/timelines/timelines.repository';

/** A video to place in timelines: its id, owner and `createdAt` (the feed's sort key). */
export interface TimelineVideo {
  videoId: string;
  ownerId: string;
  createdAt: Date;
}

/** One entry of a page, newest first. */
export interface TimelineItem {
  videoId: string;
  ownerId: string;
  videoCreatedAt: Date;
}

export interface TimelinePage {
  items: TimelineItem[];
  /** Where the next page starts (the last entry read), null when this page is the last. */
  next: TimelineKey | null;
}

export type { TimelineKey };

/**
 * The per-user timelines of the following feed: a store of (user, video) entries that knows
 * nothing of videos or follows (the feed feature decides what goes in and out). Each timeline
 * keeps at most FEED_MAX_ENTRIES entries: when inserts take one past it, it is cut back to its
 * newest 90 %, so a full timeline is trimmed once per tenth of its size in new entries, not on
 * every insert. Which timelines need the cut is one query per insert batch, on the sizes kept
 * beside the entries.
 */
@Injectable()
export class TimelinesService {
  private readonly maxEntries: number;
  private readonly trimTo: number;

  constructor(
    private readonly timelines: TimelinesRepository,
    @InjectConfig() config: AppConfig,
  ) {
    this.maxEntries = config.feed.maxEntries;
    this.trimTo = this.maxEntries - Math.max(1, Math.floor(this.maxEntries / 10));
  }

  /** Fan-out: one video into the timelines of `userIds`. Returns how many entries were new. */
  addToTimelines(video: TimelineVideo, userIds: string[]): Promise<number> {
    return this.insert(
      userIds.map((userId) => ({
        userId,
        videoId: video.videoId,
        ownerId: video.ownerId,
        videoCreatedAt: video.createdAt,
      })),
    );
  }

  /** Backfill: several videos into one user's timeline. Returns how many entries were new. */
  addToTimeline(userId: string, videos: TimelineVideo[]): Promise<number> {
    return this.insert(
      videos.map((video) => ({
        userId,
        videoId: video.videoId,
        ownerId: video.ownerId,
        videoCreatedAt: video.createdAt,
      })),
    );
  }

  /** One page of the user's timeline after `after` (null: the newest), newest first. */
  async page(userId: string, after: TimelineKey | null, limit: number): Promise<TimelinePage> {
    const { records, hasMore } = await this.timelines.findPage(userId, after, limit);
    const items = records.map((record) => ({
      videoId: record.video.toHexString(),
      ownerId: record.owner.toHexString(),
      videoCreatedAt: record.videoCreatedAt,
    }));
    const last = items.at(-1);
    return {
      items,
      next: hasMore && last ? { videoCreatedAt: last.videoCreatedAt, videoId: last.videoId } : null,
    };
  }

  /** A video left every timeline (unpublished or deleted). Idempotent. */
  removeVideo(videoId: string): Promise<number> {
    return this.timelines.deleteForVideo(videoId);
  }

  /** The user no longer follows `ownerId`: that owner's videos leave the user's timeline. Idempotent. */
  async removeOwner(userId: string, ownerId: string): Promise<number> {
    const removed = await this.timelines.deleteForOwner(userId, ownerId);
    if (removed > 0) await this.timelines.addToSizes(new Map([[userId, -removed]]));
    return removed;
  }

  private async insert(entries: NewTimelineEntry[]): Promise<number> {
    const inserted = await this.timelines.insertNew(entries);
    if (inserted.length === 0) return 0;
    const grown = new Map<string, number>();
    for (const entry of inserted) grown.set(entry.userId, (grown.get(entry.userId) ?? 0) + 1);
    await this.timelines.addToSizes(grown);
    for (const userId of await this.timelines.findOversized([...grown.keys()], this.maxEntries))
      await this.trim(userId);
    return inserted.length;
  }

  /**
   * Recounts first, since a stored size can run high (video removals do not move it): a
   * timeline that is not really past the limit keeps every entry and gets its true size.
   */
  private async trim(userId: string): Promise<void> {
    let size = await this.timelines.countEntries(userId);
    if (size > this.maxEntries) size -= await this.timelines.trimTo(userId, this.trimTo);
    await this.timelines.setSize(userId, size);
  }
}
