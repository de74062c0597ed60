import type { Types } from 'mongoose';

/** A comment as read from the database (lean): exactly one of `video` and `communityPost` is present. */
export interface CommentRecord {
  _id: Types.ObjectId;
  content: string;
  video?: Types.ObjectId;
  communityPost?: Types.ObjectId;
  owner: Types.ObjectId;
  /** A reply's top-level comment; absent on top-level comments. */
  parent?: Types.ObjectId;
  /** The user a reply to a reply answers. */
  replyTo?: Types.ObjectId;
  /** Maintained; absent on documents from before counters existed (read as 0). */
  likesCount?: number;
  replyCount?: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a comment hangs off. */
export type CommentParent = { kind: 'video'; id: string } | { kind: 'communityPost'; id: string };

/** One page of comments and the number of comments in all, from one query. */
export interface CommentPageRecord {
  records: CommentRecord[];
  total: number;
}

/** One page of a comment's replies, read one past the page to know whether another follows. */
export interface ReplyPageRecord {
  records: CommentRecord[];
  hasMore: boolean;
}

/** Reconcile: a comment's stored counters as read (absent or null on old documents). */
export interface CommentCountersRecord {
  _id: Types.ObjectId;
  likesCount?: number | null;
  replyCount?: number | null;
}

/** Reconcile: the number of comments under one parent (a video, a post, or a top-level comment). */
export interface ParentCountRecord {
  _id: Types.ObjectId;
  n: number;
}
