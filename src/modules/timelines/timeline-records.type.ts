import type { Types } from 'mongoose';

/** A timeline entry as the feed reads it (lean). */
export interface TimelineEntryRecord {
  _id: Types.ObjectId;
  video: Types.ObjectId;
  owner: Types.ObjectId;
  videoCreatedAt: Date;
}

/** An entry to write. Ids are strings; the repository converts them. */
export interface NewTimelineEntry {
  userId: string;
  videoId: string;
  ownerId: string;
  videoCreatedAt: Date;
}

/** Where a page of a timeline continues: the last entry's sort key and video id. */
export interface TimelineKey {
  videoCreatedAt: Date;
  videoId: string;
}
