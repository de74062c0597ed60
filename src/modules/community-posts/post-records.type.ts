import type { Types } from 'mongoose';

/** A community post as read from the database (lean). */
export interface PostRecord {
  _id: Types.ObjectId;
  owner: Types.ObjectId;
  content: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One page of posts and the number of posts in all, from one query. */
export interface PostPageRecord {
  records: PostRecord[];
  total: number;
}
