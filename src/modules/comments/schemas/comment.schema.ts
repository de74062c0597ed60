import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * A flat comment on a video or on a community post (§6). Exactly one of `video` and
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

  /** Likes on this comment, maintained by `$inc` on every like and unlike; repaired by the reconcile job. */
  @Prop({ default: 0 })
  likesCount: number;

  createdAt: Date;
  updatedAt: Date;
}

export type CommentDocument = HydratedDocument<Comment>;

export const CommentSchema = SchemaFactory.createForClass(Comment);

// The model enforces "exactly one parent" (§13), so a comment can never hang off both or neither.
CommentSchema.pre('validate', function (this: CommentDocument) {
  if ((this.video === undefined) === (this.communityPost === undefined)) {
    throw new Error('A comment belongs to exactly one video or community post');
  }
});

// C1 (both directions, by forward or reverse scan); video-delete cascade.
CommentSchema.index({ video: 1, createdAt: -1, _id: -1 });
// C3; post-delete cascade.
CommentSchema.index({ communityPost: 1, createdAt: -1, _id: -1 });
