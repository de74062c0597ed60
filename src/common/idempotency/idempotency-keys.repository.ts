import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import {
  IdempotencyKey,
  type StoredResponse,
} from 'src/common/idempotency/schemas/idempotency-key.schema';

/** What a claim needs to know about a key already taken. */
export type IdempotencyKeyRecord = Pick<
  IdempotencyKey,
  'fingerprint' | 'state' | 'response' | 'expiresAt'
> & { _id: Types.ObjectId };

@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectModel(IdempotencyKey.name) private readonly keys: Model<IdempotencyKey>) {}

  /**
   * Claims the key for a request: a new pending record, its id; null when the user already has
   * this key (the unique {user, key} index refused it), whatever state that record is in.
   */
  async insertPending(
    userId: string,
    key: string,
    fingerprint: string,
    expiresAt: Date,
  ): Promise<string | null> {
    try {
      const created = await this.keys.create({
        user: new Types.ObjectId(userId),
        key,
        fingerprint,
        state: 'pending',
        response: null,
        expiresAt,
      });
      return created._id.toHexString();
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  /** The user's record of this key, by the unique key. */
  findByKey(userId: string, key: string): Promise<IdempotencyKeyRecord | null> {
    return this.keys
      .findOne({ user: new Types.ObjectId(userId), key })
      .select({ fingerprint: 1, state: 1, response: 1, expiresAt: 1 })
      .lean<IdempotencyKeyRecord>()
      .exec();
  }

  /**
   * Removes a record that has expired (the TTL monitor runs only once a minute, and not at all on
   * the embedded engine). Conditional on the expiry, so a record renewed meanwhile stays.
   */
  async deleteExpired(id: Types.ObjectId, now: Date): Promise<void> {
    await this.keys.deleteOne({ _id: id, expiresAt: { $lte: now } }).exec();
  }

  /** The claiming request succeeded: its response, kept until `expiresAt`. False when the claim was lost. */
  async complete(id: string, response: StoredResponse, expiresAt: Date): Promise<boolean> {
    const result = await this.keys
      .updateOne(
        { _id: new Types.ObjectId(id), state: 'pending' },
        { $set: { state: 'done', response, expiresAt } },
      )
      .exec();
    return result.matchedCount === 1;
  }

  /** The claiming request failed: the key is free again. */
  async release(id: string): Promise<void> {
    await this.keys.deleteOne({ _id: new Types.ObjectId(id), state: 'pending' }).exec();
  }
}
