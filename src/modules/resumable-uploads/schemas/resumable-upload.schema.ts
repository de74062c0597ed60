import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * `uploading` until every byte arrived, then `finished`; `consumed` once `POST /video` took it,
 * `terminated` by the owner's DELETE, `expired` by the clean-up. Only the first two have a file.
 */
export const RESUMABLE_UPLOAD_STATES = [
  'uploading',
  'finished',
  'consumed',
  'terminated',
  'expired',
] as const;
export type ResumableUploadState = (typeof RESUMABLE_UPLOAD_STATES)[number];

/** The states whose file is still on disk. */
export const LIVE_UPLOAD_STATES: readonly ResumableUploadState[] = ['uploading', 'finished'];

/**
 * One tus upload (docs/api.md#resumable-uploads). The bytes are in the tus file store under the
 * same id; this record says whose they are and what became of them, and outlives the file for a
 * day so the daily byte quota counts uploads that were already consumed or removed.
 */
@Schema({ timestamps: true, collection: 'resumable_uploads' })
export class ResumableUpload {
  /** 12 random bytes in hex (the tus id and the `:uploadId` of its URL): not guessable. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: Types.ObjectId, required: true })
  owner: Types.ObjectId;

  /** `Upload-Length`, as declared at creation. */
  @Prop({ required: true, min: 0 })
  length: number;

  @Prop({ type: String, required: true, enum: RESUMABLE_UPLOAD_STATES })
  state: ResumableUploadState;

  @Prop({ type: Date, required: true })
  expiresAt: Date;

  createdAt: Date;
  updatedAt: Date;
}

export type ResumableUploadDocument = HydratedDocument<ResumableUpload>;

export const ResumableUploadSchema = SchemaFactory.createForClass(ResumableUpload);
// Unfinished uploads of a user (the concurrent-upload cap), and the bytes a user declared over the
// last day (the daily quota: owner's records, createdAt filtered within; the clean-up keeps at most
// two days of them per user)
ResumableUploadSchema.index({ owner: 1, state: 1, expiresAt: 1 });
// The clean-up: live uploads past their expiry, and old records of gone ones
ResumableUploadSchema.index({ state: 1, expiresAt: 1 });
