import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/** One person following another; `following` never equals `follower`. */
@Schema({ timestamps: true, collection: 'follows' })
export class Follow {
  @Prop({ type: Types.ObjectId, required: true })
  follower: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  following: Types.ObjectId;

  createdAt: Date;
  updatedAt: Date;
}

export type FollowDocument = HydratedDocument<Follow>;

export const FollowSchema = SchemaFactory.createForClass(Follow);
// race-safe follow toggle (a duplicate create fails with E11000); `isFollowed` lookups
FollowSchema.index({ follower: 1, following: 1 }, { unique: true });
// GET /follower/followers/:userId (both directions); followersCount; dashboard totalFollowers
FollowSchema.index({ following: 1, createdAt: -1, _id: -1 });
// GET /follower/following/:userId (both directions); followingCount
FollowSchema.index({ follower: 1, createdAt: -1, _id: -1 });
