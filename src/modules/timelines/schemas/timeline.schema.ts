import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * The size of one user's timeline, kept beside the entries so that a fan-out learns which of a
 * batch's users need a trim in one query instead of counting each timeline. Moved by `$inc`
 * with every insert and unfollow removal; a video removal cannot tell whose entries it took,
 * so the size may run high until the next trim recounts it (a high size only brings that
 * recount forward; it never cuts entries by itself).
 */
@Schema({ timestamps: false, versionKey: false, collection: 'timelines' })
export class Timeline {
  /** The user's id. */
  @Prop({ type: Types.ObjectId, required: true })
  _id: Types.ObjectId;

  @Prop({ required: true, default: 0 })
  entries: number;
}

export type TimelineDocument = HydratedDocument<Timeline>;

export const TimelineSchema = SchemaFactory.createForClass(Timeline);
