import type { Types } from 'mongoose';

/** A follow relation as read from the database (lean). */
export interface FollowRecord {
  _id: Types.ObjectId;
  follower: Types.ObjectId;
  following: Types.ObjectId;
  createdAt: Date;
}

export type SortOrder = 'asc' | 'desc';

/** `followers` lists who follows a user; `following` whom a user follows. */
export type FollowDirection = 'followers' | 'following';

/** Reconcile: the number of relations of one user in one direction. */
export interface UserCountRecord {
  _id: Types.ObjectId;
  n: number;
}
