import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * A flat comment on a video or on a community post. Exactly one of `video` and
 * `communityPost` is set; the other is absent, not null, so each parent index holds only its
 * own comments' keys meaningfully.
 */
@Schema({ timestamps: true, collection: 'comments' })
export class Comment {
  @Prop({ required: true, minlength: 1, maxlength: 1000 })
  content: string;

  @Prop({ type: Types.ObjectId })
  video?: Types.ObjectId;

  @Prop({ type: Types.ObjectId })
  communityPost?: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  owner: Types.ObjectId;

  /**
   * A reply's top-level comment (replies are one level deep); absent on top-level comments. A
   * reply carries its top-level comment's `video` or `communityPost` too, so the parent's
   * cascades and counts include it.
   */
  @Prop({ type: Types.ObjectId })
  parent?: Types.ObjectId;

  /** The user a reply answers when it replies to another reply (it hangs off the same top-level comment). */
  @Prop({ type: Types.ObjectId })
  replyTo?: Types.ObjectId;

  /** Replies to this top-level comment, maintained by `$inc`; repaired by the reconcile job. */
  @Prop({ default: 0 })
  replyCount: number;

  /** Likes on this comment, maintained by `$inc` on every like and unlike; repaired by the reconcile job. */
  @Prop({ default: 0 })
  likesCount: number;

  createdAt: Date;
  updatedAt: Date;
}

export type CommentDocument = HydratedDocument<Comment>;

/** The comment's maintained counters, for the reconcile job. */
export const COMMENT_COUNTER_FIELDS = [
  'likesCount',
  'replyCount',
] as const satisfies readonly (keyof Comment)[];
export type CommentCounterField = (typeof COMMENT_COUNTER_FIELDS)[number];

export const CommentSchema = SchemaFactory.createForClass(Comment);

// The model enforces "exactly one parent", so a comment can never hang off both or neither.
CommentSchema.pre('validate', function (this: CommentDocument) {
  if ((this.video === undefined) === (this.communityPost === undefined)) {
    throw new Error('A comment belongs to exactly one video or community post');
  }
});

// Video comments, top-level only (`parent: null`), both directions by forward or reverse scan;
// video-delete cascade and counts by the `video` prefix.
CommentSchema.index({ video: 1, parent: 1, createdAt: -1, _id: -1 });
// Post comments, the same way; post-delete cascade.
CommentSchema.index({ communityPost: 1, parent: 1, createdAt: -1, _id: -1 });
// A comment's replies, oldest first (keyset on createdAt, _id); reply cascade of a deleted comment.
CommentSchema.index({ parent: 1, createdAt: 1, _id: 1 });
