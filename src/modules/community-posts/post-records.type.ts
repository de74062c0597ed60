import type { Types } from 'mongoose';

/** A community post as read from the database (lean). */
export interface PostRecord {
  _id: Types.ObjectId;
  owner: Types.ObjectId;
  content: string;
  /** Maintained; absent on documents from before counters existed (read as 0). */
  likesCount?: number;
  commentsCount?: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One page of posts and the number of posts in all, from one query. */
export interface PostPageRecord {
  records: PostRecord[];
  total: number;
}

/** Reconcile: a post's stored counters as read (either may be absent or null on old documents). */
export interface PostCountersRecord {
  _id: Types.ObjectId;
  likesCount?: number | null;
  commentsCount?: number | null;
}
