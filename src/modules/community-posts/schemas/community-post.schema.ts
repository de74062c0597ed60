import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/** A text post on a creator's community tab. Visible when its owner is (docs/api.md#visibility). */
@Schema({ timestamps: true, collection: 'communityposts' })
export class CommunityPost {
  @Prop({ type: Types.ObjectId, required: true })
  owner: Types.ObjectId;

  @Prop({ required: true, minlength: 1, maxlength: 5000 })
  content: string;

  /** Likes on this post, maintained by `$inc` on every like and unlike; repaired by the reconcile job. */
  @Prop({ default: 0 })
  likesCount: number;

  /** Comments on this post, maintained like `likesCount`. */
  @Prop({ default: 0 })
  commentsCount: number;

  createdAt: Date;
  updatedAt: Date;
}

export type CommunityPostDocument = HydratedDocument<CommunityPost>;

/** The post's maintained counters, for the reconcile job. */
export const POST_COUNTER_FIELDS = [
  'likesCount',
  'commentsCount',
] as const satisfies readonly (keyof CommunityPost)[];
export type PostCounterField = (typeof POST_COUNTER_FIELDS)[number];

export const CommunityPostSchema = SchemaFactory.createForClass(CommunityPost);
// GET /communitypost/feed: the global feed, newest first, `_id` breaking ties.
CommunityPostSchema.index({ createdAt: -1, _id: -1 });
// GET /communitypost/user/:userId: one user's posts, newest first.
CommunityPostSchema.index({ owner: 1, createdAt: -1, _id: -1 });
