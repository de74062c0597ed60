import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/** A text post on a creator's community tab (§8). Visible when its owner is (§1.11). */
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

export const CommunityPostSchema = SchemaFactory.createForClass(CommunityPost);
// P2: the global feed, newest first, `_id` breaking ties.
CommunityPostSchema.index({ createdAt: -1, _id: -1 });
// P3: one user's posts, newest first.
CommunityPostSchema.index({ owner: 1, createdAt: -1, _id: -1 });
