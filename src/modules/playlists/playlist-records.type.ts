import type { Types } from 'mongoose';

/** A playlist as read from the database (lean). */
export interface PlaylistRecord {
  _id: Types.ObjectId;
  owner: Types.ObjectId;
  name: string;
  description: string;
  isPublished: boolean;
  videos: Types.ObjectId[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewPlaylist {
  owner: string;
  name: string;
  description: string;
  isPublished: boolean;
}

/** Update: only the fields the caller sent. */
export type PlaylistChanges = Partial<Pick<NewPlaylist, 'name' | 'description' | 'isPublished'>>;
