import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * An ordered list of distinct videos, earliest addition first. `videos` is only ever changed by
 * `$push` / `$pull` (adding and removing entries, the video-delete cascade), never written whole,
 * so concurrent additions cannot overwrite each other.
 */
@Schema({ timestamps: true, collection: 'playlists' })
export class Playlist {
  @Prop({ type: Types.ObjectId, required: true })
  owner: Types.ObjectId;

  @Prop({ required: true, maxlength: 100 })
  name: string;

  @Prop({ default: '', maxlength: 500 })
  description: string;

  /** True = public. */
  @Prop({ default: true })
  isPublished: boolean;

  @Prop({ type: [Types.ObjectId], default: [] })
  videos: Types.ObjectId[];

  createdAt: Date;
  updatedAt: Date;
}

export type PlaylistDocument = HydratedDocument<Playlist>;

export const PlaylistSchema = SchemaFactory.createForClass(Playlist);
// GET /playlist/me (all of the caller's playlists, newest first) and its total
PlaylistSchema.index({ owner: 1, createdAt: -1, _id: -1 });
// GET /playlist/user/:userId (a user's public playlists, newest first)
PlaylistSchema.index({ owner: 1, isPublished: 1, createdAt: -1, _id: -1 });
// GET /playlist/search (public playlists, most recently changed first; the name filters within it)
PlaylistSchema.index({ isPublished: 1, updatedAt: -1, _id: -1 });
// Video-delete cascade: `$pull` the video from every playlist holding it
PlaylistSchema.index({ videos: 1 });
