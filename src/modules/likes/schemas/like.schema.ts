import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

export const LIKE_TARGET_TYPES = ['video', 'comment', 'communityPost'] as const;
export type LikeTargetType = (typeof LIKE_TARGET_TYPES)[number];

/**
 * One user's like of one video, comment or community post. One shape for the
 * three targets gives one toggle implementation and one compound unique key with no
 * null-padded fields.
 */
@Schema({ timestamps: true, collection: 'likes' })
export class Like {
  @Prop({ type: String, required: true, enum: LIKE_TARGET_TYPES })
  targetType: LikeTargetType;

  /** The liked document; its collection is named by `targetType`. */
  @Prop({ type: Types.ObjectId, required: true })
  target: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  likedBy: Types.ObjectId;

  createdAt: Date;
  updatedAt: Date;
}

export type LikeDocument = HydratedDocument<Like>;

export const LikeSchema = SchemaFactory.createForClass(Like);
// Race-safe toggles (a second like by the same user is a duplicate key); likesCount and isLiked
// for a page (prefix {targetType, target}); cascade deletes by target; profile and dashboard
// like totals via `target $in` the owner's video ids.
LikeSchema.index({ targetType: 1, target: 1, likedBy: 1 }, { unique: true });
// GET /like/liked-videos: the caller's liked videos, newest like first, `_id` breaking ties.
LikeSchema.index({ likedBy: 1, targetType: 1, createdAt: -1, _id: -1 });
