import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import type { PendingCode, PendingEmailChange, User } from 'src/modules/users/schemas/user.schema';
import type { CodeHolderRecord, CodePurpose } from 'src/modules/users/user-records.type';
import { type CodeCondition, UsersRepository } from 'src/modules/users/users.repository';

/** The 400 messages by purpose (docs/api.md#one-time-codes); "too many attempts" is shared. */
export const CODE_MESSAGES: Record<CodePurpose, { invalid: string; expired: string }> = {
  verification: {
    invalid: 'Invalid verification code',
    expired: 'Verification code expired. Please request a new code',
  },
  passwordReset: { invalid: 'Invalid reset code', expired: 'Reset code expired. Please try again' },
  emailChange: {
    invalid: 'Invalid verification code',
    expired: 'Verification code expired. Please request a new code',
  },
};

export interface IssuedCode {
  /** The plain code, to be emailed and then forgotten. */
  code: string;
  codeHash: string;
}

export type CodeChanges = Partial<
  Pick<User, 'isVerified' | 'password' | 'email' | 'verification' | 'passwordReset'>
>;

/**
 * One-time codes (docs/api.md#one-time-codes): 6 digits from a CSPRNG, stored only as an HMAC keyed
 * with `CODE_HASH_SECRET` and bound to the user and purpose (a stolen database reveals nothing
 * usable, and a hash cannot be replayed for another account or purpose). A verification code is
 * also bound to the registration attempt it was sent for (the pending account's registration
 * nonce): registration replaces a pending account in place, and the code mailed for one attempt
 * must not verify another one's username and password. Every state change is a single conditional
 * update on the user document, so limits hold under concurrent requests.
 */
@Injectable()
export class OneTimeCodesService {
  constructor(
    private readonly users: UsersRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Issues a new code (voiding the previous one and its attempts) unless one was sent within the
   * cooldown; null in that case. `where` narrows which account may receive it (e.g. still pending).
   * A verification code is issued for `registrationNonce`, and only while that attempt is current.
   */
  async issue(
    userId: string,
    purpose: CodePurpose,
    options: {
      pendingEmail?: string;
      where?: { isVerified?: boolean };
      registrationNonce?: string | null;
    } = {},
  ): Promise<IssuedCode | null> {
    const now = Date.now();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const binding = bindingOf(purpose, options.registrationNonce ?? null);
    const codeHash = this.hash(purpose, userId, code, binding);
    const stored: PendingCode | PendingEmailChange = {
      codeHash,
      expiresAt: new Date(now + this.config.auth.codeTtlMinutes * 60_000),
      attempts: 0,
      sentAt: new Date(now),
      ...(options.pendingEmail !== undefined ? { pendingEmail: options.pendingEmail } : {}),
    };
    const cooldownCutoff = new Date(now - this.config.auth.codeResendCooldownSeconds * 1000);
    const accepted = await this.users.storeCode(userId, purpose, stored, cooldownCutoff, {
      ...options.where,
      ...binding,
    });
    return accepted ? { code, codeHash } : null;
  }

  /** A code that could not be delivered: dropping it also lifts the cooldown, so a retry sends again. */
  discard(userId: string, purpose: CodePurpose, issued: IssuedCode): Promise<void> {
    return this.users.discardCode(userId, purpose, issued.codeHash);
  }

  /** Whole seconds (at least 1) until another code may be sent, or 0 when none is pending. */
  cooldownRemainingSeconds(code: Pick<PendingCode, 'sentAt'> | null): number {
    if (!code) return 0;
    const remainingMs =
      code.sentAt.getTime() + this.config.auth.codeResendCooldownSeconds * 1000 - Date.now();
    return remainingMs > 0 ? Math.max(1, Math.ceil(remainingMs / 1000)) : 0;
  }

  /**
   * Checks a submitted code in the documented order (docs/api.md#one-time-codes) and, on a match,
   * consumes it together with the changes `onMatch` prepares (called only then, so e.g. a new
   * password is hashed only for a correct code). A holder of null (no such account) fails like a
   * code that was never issued. Resolves to the holder whose code was consumed.
   */
  async redeem(
    holder: CodeHolderRecord | null,
    purpose: CodePurpose,
    submitted: string,
    onMatch: () => CodeChanges | Promise<CodeChanges>,
  ): Promise<CodeHolderRecord> {
    const messages = CODE_MESSAGES[purpose];
    const stored = holder?.code;
    if (!holder || !stored) throw new AppException(ErrorCode.INVALID_CODE, messages.invalid);
    const maxAttempts = this.config.auth.codeMaxAttempts;
    if (stored.attempts >= maxAttempts) throw new AppException(ErrorCode.TOO_MANY_ATTEMPTS);
    const now = new Date();
    if (stored.expiresAt.getTime() <= now.getTime())
      throw new AppException(ErrorCode.CODE_EXPIRED, messages.expired);

    const binding = bindingOf(purpose, holder.registrationNonce);
    if (!this.matches(this.hash(purpose, holder.id, submitted, binding), stored.codeHash)) {
      const attempts = await this.users.countWrongAttempt(
        holder.id,
        purpose,
        stored.codeHash,
        maxAttempts,
      );
      if (attempts !== null && attempts >= maxAttempts)
        throw new AppException(ErrorCode.TOO_MANY_ATTEMPTS);
      throw new AppException(ErrorCode.INVALID_CODE, messages.invalid);
    }
    const changes = await onMatch();
    const consumed = await this.users.consumeCode(
      holder.id,
      purpose,
      stored.codeHash,
      maxAttempts,
      now,
      changes,
      binding,
    );
    // Lost a race with another request that consumed, replaced or exhausted this very code, or
    // with a re-registration that replaced the attempt it was for.
    if (!consumed) throw new AppException(ErrorCode.INVALID_CODE, messages.invalid);
    return holder;
  }

  private hash(purpose: CodePurpose, userId: string, code: string, binding: CodeCondition): string {
    // Accounts registered before nonces existed (null) keep the original form of the hash.
    const nonce = binding.registrationNonce;
    const subject = nonce ? `${userId}:${nonce}` : userId;
    return createHmac('sha256', this.config.auth.codeSecret)
      .update(`${purpose}:${subject}:${code}`)
      .digest('hex');
  }

  private matches(a: string, b: string): boolean {
    const left = Buffer.from(a, 'hex');
    const right = Buffer.from(b, 'hex');
    return left.length === right.length && timingSafeEqual(left, right);
  }
}

/**
 * The condition a code of this purpose is bound to: for a verification code, the registration
 * attempt (its nonce in the hash, and equality required when storing and consuming, so a
 * re-registration racing a verification cannot slip between the check and the write).
 */
function bindingOf(purpose: CodePurpose, registrationNonce: string | null): CodeCondition {
  return purpose === 'verification' ? { registrationNonce } : {};
}
