import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { AppException } from 'src/common/errors/app.exception';
import { describeError } from 'src/common/errors/describe-error.util';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import { LoginFailuresService } from 'src/common/rate-limit/login-failures.service';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { AccountMailerService } from 'src/modules/users/account-mailer.service';
import type { ChangePasswordDto } from 'src/modules/users/dto/change-password.dto';
import type { LoginDto } from 'src/modules/users/dto/login.dto';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import type { RegisterDto } from 'src/modules/users/dto/register.dto';
import type { ResetPasswordDto } from 'src/modules/users/dto/reset-password.dto';
import type { UsernameAvailabilityResponse } from 'src/modules/users/dto/username-availability.response';
import type { VerifyAccountDto } from 'src/modules/users/dto/verify-account.dto';
import { OneTimeCodesService } from 'src/modules/users/one-time-codes.service';
import { PasswordHasherService } from 'src/modules/users/password-hasher.service';
import type { CredentialsRecord, HolderRecord } from 'src/modules/users/user-records.type';
import { defaultAvatarUrl, RESERVED_USERNAMES } from 'src/modules/users/users.constant';
import { UsersErrors } from 'src/modules/users/users.errors';
import { UsersMessages } from 'src/modules/users/users.messages';
import { toMe } from 'src/modules/users/users.mapper';
import { UsersRepository } from 'src/modules/users/users.repository';

/** Whose credentials a login proved, and the Me it answers with. */
export interface SignedInAccount {
  userId: string;
  me: MeResponse;
}

/**
 * Accounts: registration, verification, password reset and the password checks of login
 * and change-password. Everything that touches a password hash or a one-time code is here (and in
 * `EmailChangeService`); the auth module above adds the sessions, tokens and cookies, and gets
 * back ids and Me responses only.
 *
 * None of the flows reveals whether an account exists: unknown, pending and verified addresses get
 * the same answers wherever an answer could tell them apart, and login does the bcrypt work in
 * every branch.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasherService,
    private readonly codes: OneTimeCodesService,
    private readonly mail: AccountMailerService,
    private readonly loginFailures: LoginFailuresService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** `GET /auth/check-username`: taken by a verified account, a recent pending one, or reserved. */
  async checkUsername(username: string): Promise<ApiResult<UsernameAvailabilityResponse>> {
    const holder = RESERVED_USERNAMES.has(username)
      ? null
      : await this.users.findUsernameHolder(username);
    const available =
      !RESERVED_USERNAMES.has(username) && (!holder || this.holdExpired(holder, new Date()));
    return new ApiResult(
      available ? UsersMessages.usernameAvailable : UsersMessages.usernameTaken,
      { available },
    );
  }

  /**
   * `POST /auth/register`, checks in order (docs/api.md#registration). New and pending accounts get
   * the same 201.
   */
  async register(dto: RegisterDto): Promise<void> {
    const now = new Date();
    const holders = await this.users.findHolders(dto.email, dto.username);
    const byEmail = holders.find((holder) => holder.email === dto.email) ?? null;
    const byUsername = holders.find((holder) => holder.username === dto.username) ?? null;
    if (byEmail?.isVerified) throw UsersErrors.emailTaken();
    if (byUsername?.isVerified) throw UsersErrors.usernameTaken();
    // Only a registration with the same email replaces a pending account: a username alone never takes one over.
    if (byUsername && byUsername.id !== byEmail?.id) {
      if (!this.holdExpired(byUsername, now)) throw UsersErrors.usernameTaken();
      await this.users.deleteStalePending(byUsername.id, this.holdCutoff(now));
    }

    const account = {
      name: dto.name,
      email: dto.email,
      username: dto.username,
      passwordHash: await this.passwords.hash(dto.password),
      profileImage: defaultAvatarUrl(dto.name),
      registeredAt: now,
      // Names this attempt: the code below is sent for it alone (a later re-registration voids it).
      registrationNonce: randomBytes(16).toString('base64url'),
    };
    let userId: string;
    try {
      if (byEmail) {
        if (!(await this.users.replacePending(byEmail.id, account))) throw UsersErrors.emailTaken();
        userId = byEmail.id;
      } else {
        userId = await this.users.createPending(account);
      }
    } catch (error) {
      // Two registrations raced on a unique index: name the field that lost.
      if (isDuplicateKey(error)) throw await this.conflictAfterRace(dto, byEmail);
      throw error;
    }

    const issued = await this.codes.issue(userId, 'verification', {
      where: { isVerified: false },
      registrationNonce: account.registrationNonce,
    });
    if (!issued) return; // a code went out less than a minute ago: no second email, same answer
    try {
      await this.mail.sendVerificationCode(dto.email, dto.username, issued.code);
    } catch (error) {
      // Keep the account, drop the undelivered code, so the cooldown does not block a retry.
      await this.codes.discard(userId, 'verification', issued);
      this.logger.warn(
        `Verification email for user ${userId} not delivered: ${describeError(error)}`,
      );
      throw UsersErrors.emailDeliveryFailed();
    }
  }

  /** `POST /auth/verify-account`: an unknown email fails like a wrong code. */
  async verifyAccount(dto: VerifyAccountDto): Promise<void> {
    const holder = await this.users.findCodeHolderByEmail(dto.email, 'verification');
    if (holder?.isVerified) throw UsersErrors.alreadyVerified();
    await this.codes.redeem(holder, 'verification', dto.code, () => ({ isVerified: true }));
  }

  /**
   * `POST /auth/resend-verification`: same answer whatever happens; only a pending account past its
   * cooldown gets an email.
   */
  async resendVerification(email: string): Promise<void> {
    const holder = await this.users.findCodeHolderByEmail(email, 'verification');
    if (!holder || holder.isVerified) return;
    const issued = await this.codes.issue(holder.id, 'verification', {
      where: { isVerified: false },
      registrationNonce: holder.registrationNonce,
    });
    if (!issued) return;
    try {
      await this.mail.sendVerificationCode(holder.email, holder.username, issued.code);
    } catch (error) {
      await this.codes.discard(holder.id, 'verification', issued);
      this.logger.warn(
        `Verification email for user ${holder.id} not delivered: ${describeError(error)}`,
      );
    }
  }

  /**
   * Login: the account behind the identifier and its password, or 401 Invalid credentials. The
   * account is resolved first, so the failure buckets are those of the account whichever
   * identifier names it; they are counted before the password comparison, which always happens.
   */
  async checkLogin(dto: LoginDto, ip: string): Promise<SignedInAccount> {
    const account = await this.users.findLoginAccount(dto.identifier);
    const credentials = account?.credentials ?? null;
    const subject = { accountId: credentials?.id ?? null, identifier: dto.identifier };
    const ok = await this.loginFailures.attemptLogin(subject, ip, () =>
      // Pending and unknown accounts are compared against the dummy hash: same work, same answer.
      this.passwords.verify(dto.password, credentials?.isVerified ? credentials.password : null),
    );
    if (!ok || !account) throw UsersErrors.invalidCredentials();
    return { userId: account.credentials.id, me: toMe(account.me) };
  }

  /**
   * `POST /auth/forgot-password`: same answer whatever happens; only a verified account past its
   * cooldown gets an email.
   */
  async forgotPassword(email: string): Promise<void> {
    const holder = await this.users.findCodeHolderByEmail(email, 'passwordReset');
    if (!holder?.isVerified) return;
    const issued = await this.codes.issue(holder.id, 'passwordReset', {
      where: { isVerified: true },
    });
    if (!issued) return;
    try {
      await this.mail.sendPasswordResetCode(holder.email, holder.username, issued.code);
    } catch (error) {
      await this.codes.discard(holder.id, 'passwordReset', issued);
      this.logger.warn(
        `Password reset email for user ${holder.id} not delivered: ${describeError(error)}`,
      );
    }
  }

  /**
   * Password reset: an unknown or pending email fails like a wrong code. On success the account's
   * login cap is lifted; resolves to the account's id, whose sessions the caller ends.
   */
  async resetPassword(dto: ResetPasswordDto): Promise<string> {
    const holder = await this.users.findCodeHolderByEmail(dto.email, 'passwordReset');
    const account = await this.codes.redeem(
      holder?.isVerified ? holder : null,
      'passwordReset',
      dto.code,
      async () => ({
        password: await this.passwords.hash(dto.newPassword),
      }),
    );
    await this.loginFailures.clearAccount(account.id);
    return account.id;
  }

  /**
   * Change-password: the old password is checked in the signed-in failure bucket, then replaced.
   * Ending the user's other sessions is the caller's part.
   */
  async changePassword(userId: string, dto: ChangePasswordDto, ip: string): Promise<void> {
    let account: CredentialsRecord | null = null;
    const ok = await this.loginFailures.attemptSignedIn(userId, ip, async () => {
      account = await this.users.findCredentialsById(userId);
      if (!account) throw UsersErrors.signedOut();
      return this.passwords.verify(dto.oldPassword, account.password);
    });
    const owner = account as CredentialsRecord | null;
    if (!owner) throw UsersErrors.signedOut();
    if (!ok) throw UsersErrors.wrongOldPassword();
    await this.users.setPassword(owner.id, await this.passwords.hash(dto.newPassword));
  }

  private holdCutoff(now: Date): Date {
    return new Date(now.getTime() - this.config.auth.pendingUsernameHoldHours * 3_600_000);
  }

  /** A pending account keeps its username for 24 hours after its last registration attempt. */
  private holdExpired(holder: HolderRecord, now: Date): boolean {
    return (
      !holder.isVerified && holder.lastRegisteredAt.getTime() <= this.holdCutoff(now).getTime()
    );
  }

  private async conflictAfterRace(
    dto: RegisterDto,
    byEmail: HolderRecord | null,
  ): Promise<AppException> {
    const holders = await this.users.findHolders(dto.email, dto.username);
    const emailNowElsewhere = holders.some(
      (holder) => holder.email === dto.email && holder.id !== byEmail?.id,
    );
    return emailNowElsewhere ? UsersErrors.emailTaken() : UsersErrors.usernameTaken();
  }
}
