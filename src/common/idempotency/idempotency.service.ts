import { Injectable } from '@nestjs/common';
import {
  IDEMPOTENCY_KEY_TTL_MS,
  IDEMPOTENCY_PENDING_LEASE_MS,
} from 'src/common/idempotency/idempotency.constant';
import { IdempotencyErrors } from 'src/common/idempotency/idempotency.errors';
import { IdempotencyKeysRepository } from 'src/common/idempotency/idempotency-keys.repository';
import type { StoredResponse } from 'src/common/idempotency/schemas/idempotency-key.schema';

/** The key is this request's: run it, then `complete` or `release`. */
export interface IdempotencyClaim {
  kind: 'claimed';
  id: string;
  claimedAt: Date;
}

/** The key already answered this same request: send its response again. */
export interface IdempotencyReplay {
  kind: 'replay';
  response: StoredResponse;
}

/**
 * The `Idempotency-Key` store (docs/api.md#idempotency-key), one record per user and key. Race safety comes
 * from the unique {user, key} index: of concurrent requests with one key exactly one inserts the
 * claim and runs; the others find it and are answered from it (422 for a different request, 409
 * while it runs, its response once done). No read-then-write decides who runs.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly keys: IdempotencyKeysRepository) {}

  /**
   * Claims the user's key for the request with this fingerprint, or answers from an earlier use
   * of it. Throws 422 IDEMPOTENCY_KEY_REUSED (the key was used for a different request) or 409
   * IDEMPOTENCY_KEY_IN_PROGRESS (the same request is still running).
   */
  async claim(
    userId: string,
    key: string,
    fingerprint: string,
  ): Promise<IdempotencyClaim | IdempotencyReplay> {
    // Two rounds: an expired record found in the first is removed, and the key claimed again.
    // Should a concurrent request claim it in between, the second round answers from its claim.
    for (let round = 0; round < 2; round++) {
      const claimedAt = new Date();
      const id = await this.keys.insertPending(
        userId,
        key,
        fingerprint,
        new Date(claimedAt.getTime() + IDEMPOTENCY_PENDING_LEASE_MS),
      );
      if (id !== null) return { kind: 'claimed', id, claimedAt };

      const existing = await this.keys.findByKey(userId, key);
      // Released (its request failed) between our insert and this read: claim it again.
      if (existing === null) continue;
      if (existing.expiresAt.getTime() <= claimedAt.getTime()) {
        await this.keys.deleteExpired(existing._id, claimedAt);
        continue;
      }
      if (existing.fingerprint !== fingerprint) throw IdempotencyErrors.reused();
      if (existing.state === 'done' && existing.response) {
        return { kind: 'replay', response: existing.response };
      }
      throw IdempotencyErrors.inProgress();
    }
    // The key changed hands twice while we looked: as busy as a request in progress.
    throw IdempotencyErrors.inProgress();
  }

  /**
   * Stores the success of a claimed request, replayed for 24 h from the first request. False when
   * the claim was no longer this request's (its lease ran out and another request took the key).
   */
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean> {
    return this.keys.complete(
      claim.id,
      response,
      new Date(claim.claimedAt.getTime() + IDEMPOTENCY_KEY_TTL_MS),
    );
  }

  /** The claimed request failed: nothing is stored, and the key is free for a retry. */
  release(claim: IdempotencyClaim): Promise<void> {
    return this.keys.release(claim.id);
  }
}
