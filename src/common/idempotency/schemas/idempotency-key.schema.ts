import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/** The success a key answers with, as first sent: replayed byte for byte. */
@Schema({ _id: false })
export class StoredResponse {
  @Prop({ required: true })
  status: number;

  /** The message the handler chose (`ApiResult`); null when the route's fixed message applies. */
  @Prop({ type: String, default: null })
  message: string | null;

  /** The envelope's `data`, as the JSON text that was sent (no BSON round trip can change it). */
  @Prop({ required: true })
  data: string;
}

const StoredResponseSchema = SchemaFactory.createForClass(StoredResponse);

/**
 * One `Idempotency-Key` of one user (docs/api.md#idempotency-key). Created `pending` when a request with the
 * key starts; `done` with the response once it succeeded; deleted when it failed (the key is
 * free again). `expiresAt` is the moment the key is free again whatever its state: the lease of a
 * pending key (so a crashed request cannot hold it forever), 24 h after the first request once
 * done. Expiry is always checked in code; the TTL index only cleans up.
 */
@Schema({ timestamps: true, collection: 'idempotencykeys' })
export class IdempotencyKey {
  @Prop({ type: Types.ObjectId, required: true })
  user: Types.ObjectId;

  @Prop({ required: true })
  key: string;

  /** SHA-256 of the request the key was first used for (request-fingerprint.util). */
  @Prop({ required: true })
  fingerprint: string;

  @Prop({ type: String, required: true })
  state: 'pending' | 'done';

  @Prop({ type: StoredResponseSchema, default: null })
  response: StoredResponse | null;

  @Prop({ required: true })
  expiresAt: Date;

  createdAt: Date;
  updatedAt: Date;
}

export type IdempotencyKeyDocument = HydratedDocument<IdempotencyKey>;

export const IdempotencyKeySchema = SchemaFactory.createForClass(IdempotencyKey);
// the claim: one key per user (keys of different users never meet), looked up by it
IdempotencyKeySchema.index({ user: 1, key: 1 }, { unique: true });
// clean-up of expired keys; expiry itself is always checked by comparing timestamps
IdempotencyKeySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
