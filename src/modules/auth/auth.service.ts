import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Types } from 'mongoose';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import type { ClientContext } from 'src/common/decorators/client-context.decorator';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import type { AuthCookieJar } from 'src/modules/auth/auth-cookies.util';
import { AuthErrors } from 'src/modules/auth/auth.errors';
import type { ChangePasswordDto } from 'src/modules/auth/dto/change-password.dto';
import type { LoginDto } from 'src/modules/auth/dto/login.dto';
import type { RegisterDto } from 'src/modules/auth/dto/register.dto';
import type { ResetPasswordDto } from 'src/modules/auth/dto/reset-password.dto';
import type { UsernameAvailabilityResponse } from 'src/modules/auth/dto/username-availability.response';
import type { VerifyAccountDto } from 'src/modules/auth/dto/verify-account.dto';
import { LoginFailuresService } from 'src/common/rate-limit/login-failures.service';
import { type LogoutCredentials, SessionsService } from 'src/modules/auth/sessions.service';
import { AccountMailer } from 'src/modules/users/account-mailer.service';
import { AccountsService } from 'src/modules/users/accounts.service';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import { OneTimeCodes } from 'src/modules/users/one-time-codes.service';
import { PasswordHasher } from 'src/modules/users/password-hasher.service';
import type { CredentialsRecord, HolderRecord } from 'src/modules/users/user-records.type';
import { defaultAvatarUrl, RESERVED_USERNAMES } from 'src/modules/users/users.constant';
import { UsersService } from 'src/modules/users/users.service';

/**
 * The auth flows of §2. None of them reveals whether an account exists (I-11): unknown,
 * pending and verified addresses get the same answers where the contract says so, and login
 * does the bcrypt work in every branch.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly codes: OneTimeCodes,
    private readonly mail: AccountMailer,
    private readonly sessions: SessionsService,
    private readonly loginFailures: LoginFailuresService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** A1: taken by a verified account, held by a recent pending registration, or reserved. */
  async checkUsername(username: string): Promise<ApiResult<UsernameAvailabilityResponse>> {
    const holder = RESERVED_USERNAMES.has(username)
      ? null
      : await this.accounts.findUsernameHolder(username);
    const available =
      !RESERVED_USERNAMES.has(username) && (!holder || this.holdExpired(holder, new Date()));
    return new ApiResult(available ? 'Username is available' : 'Username is already taken', {
      available,
    });
  }

  /** A2, rules 1–6 in order. New and pending accounts get the same 201. */
  async register(dto: RegisterDto): Promise<void> {
    const now = new Date();
    const holders = await this.accounts.findHolders(dto.email, dto.username);
    const byEmail = holders.find((holder) => holder.email === dto.email) ?? null;
    const byUsername = holders.find((holder) => holder.username === dto.username) ?? null;
    if (byEmail?.isVerified) throw AuthErrors.emailTaken();
    if (byUsername?.isVerified) throw AuthErrors.usernameTaken();
    // Only a registration with the same email replaces a pending account: a username alone never takes one over.
    if (byUsername && !(byEmail && byUsername._id.equals(byEmail._id))) {
      if (!this.holdExpired(byUsername, now)) throw AuthErrors.usernameTaken();
      await this.accounts.deleteStalePending(byUsername._id, this.holdCutoff(now));
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
    let userId: Types.ObjectId;
    try {
      if (byEmail) {
        if (!(await this.accounts.replacePending(byEmail._id, account)))
          throw AuthErrors.emailTaken();
        userId = byEmail._id;
      } else {
        userId = await this.accounts.createPending(account);
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
        `Verification email for user ${userId.toHexString()} not delivered: ${describe(error)}`,
      );
      throw AuthErrors.verificationEmailFailed();
    }
  }

  /** A3: an unknown email fails like a wrong code. */
  async verifyAccount(dto: VerifyAccountDto): Promise<void> {
    const holder = await this.accounts.findCodeHolderByEmail(dto.email, 'verification');
    if (holder?.isVerified) throw AuthErrors.alreadyVerified();
    await this.codes.redeem(holder, 'verification', dto.code, () => ({ isVerified: true }));
  }

  /** A4: same answer whatever happens; only a pending account past its cooldown gets an email. */
  async resendVerification(email: string): Promise<void> {
    const holder = await this.accounts.findCodeHolderByEmail(email, 'verification');
    if (!holder || holder.isVerified) return;
    const issued = await this.codes.issue(holder._id, 'verification', {
      where: { isVerified: false },
      registrationNonce: holder.registrationNonce,
    });
    if (!issued) return;
    try {
      await this.mail.sendVerificationCode(holder.email, holder.username, issued.code);
    } catch (error) {
      await this.codes.discard(holder._id, 'verification', issued);
      this.logger.warn(
        `Verification email for user ${holder._id.toHexString()} not delivered: ${describe(error)}`,
      );
    }
  }

  /**
   * A5. The account is resolved first, so the failure buckets are those of the account whichever
   * identifier names it; they are counted before the password comparison, which always happens.
   */
  async login(dto: LoginDto, client: ClientContext, cookies: AuthCookieJar): Promise<MeResponse> {
    const account = await this.accounts.findLoginAccount(dto.identifier);
    const credentials = account?.credentials ?? null;
    const subject = {
      accountId: credentials?._id.toHexString() ?? null,
      identifier: dto.identifier,
    };
    const ok = await this.loginFailures.attemptLogin(subject, client.ip, () =>
      // Pending and unknown accounts are compared against the dummy hash: same work, same answer.
      this.passwords.verify(dto.password, credentials?.isVerified ? credentials.password : null),
    );
    if (!ok || !account) throw AuthErrors.invalidCredentials();
    cookies.signIn(await this.sessions.open(account.credentials._id.toHexString(), client));
    return account.me;
  }

  /** A6: both cookies on rotation, the access cookie alone in the grace case, both cleared on any failure. */
  async refresh(refreshToken: string | undefined, cookies: AuthCookieJar): Promise<void> {
    try {
      const outcome = await this.sessions.refresh(refreshToken);
      if (outcome.kind === 'rotated') cookies.signIn(outcome.tokens);
      else cookies.renewAccess(outcome.accessToken);
    } catch (error) {
      if (isUnauthorized(error)) cookies.clear();
      throw error;
    }
  }

  /** A7: same answer whatever happens; only a verified account past its cooldown gets an email. */
  async forgotPassword(email: string): Promise<void> {
    const holder = await this.accounts.findCodeHolderByEmail(email, 'passwordReset');
    if (!holder?.isVerified) return;
    const issued = await this.codes.issue(holder._id, 'passwordReset', {
      where: { isVerified: true },
    });
    if (!issued) return;
    try {
      await this.mail.sendPasswordResetCode(holder.email, holder.username, issued.code);
    } catch (error) {
      await this.codes.discard(holder._id, 'passwordReset', issued);
      this.logger.warn(
        `Password reset email for user ${holder._id.toHexString()} not delivered: ${describe(error)}`,
      );
    }
  }

  /** A8: unknown or pending email fails like a wrong code; success signs the user out everywhere. */
  async resetPassword(dto: ResetPasswordDto, cookies: AuthCookieJar): Promise<void> {
    const holder = await this.accounts.findCodeHolderByEmail(dto.email, 'passwordReset');
    const account = await this.codes.redeem(
      holder?.isVerified ? holder : null,
      'passwordReset',
      dto.code,
      async () => ({
        password: await this.passwords.hash(dto.newPassword),
      }),
    );
    await this.sessions.revokeAll(account._id, 'password_reset');
    await this.loginFailures.clearAccount(account._id.toHexString());
    cookies.clear();
  }

  me(userId: string): Promise<MeResponse> {
    return this.users.getMe(userId);
  }

  /** A10: the old password is checked in the signed-in failure bucket; the other sessions end. */
  async changePassword(
    principal: AuthPrincipal,
    dto: ChangePasswordDto,
    client: ClientContext,
  ): Promise<void> {
    let account: CredentialsRecord | null = null;
    const ok = await this.loginFailures.attemptSignedIn(principal.userId, client.ip, async () => {
      account = await this.accounts.findCredentialsById(principal.userId);
      if (!account) throw AuthErrors.unauthorized();
      return this.passwords.verify(dto.oldPassword, account.password);
    });
    const owner = account as CredentialsRecord | null;
    if (!owner) throw AuthErrors.unauthorized();
    if (!ok) throw AuthErrors.wrongOldPassword();
    await this.accounts.setPassword(owner._id, await this.passwords.hash(dto.newPassword));
    await this.sessions.revokeOthers(principal.userId, principal.sessionId);
  }

  /** A11: both cookies are cleared, also when nothing identified a live session (401). */
  async logout(credentials: LogoutCredentials, cookies: AuthCookieJar): Promise<void> {
    try {
      await this.sessions.logout(credentials);
    } catch (error) {
      if (isUnauthorized(error)) cookies.clear();
      throw error;
    }
    cookies.clear();
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
    const holders = await this.accounts.findHolders(dto.email, dto.username);
    const emailNowElsewhere = holders.some(
      (holder) => holder.email === dto.email && !(byEmail && holder._id.equals(byEmail._id)),
    );
    return emailNowElsewhere ? AuthErrors.emailTaken() : AuthErrors.usernameTaken();
  }
}

function isUnauthorized(error: unknown): boolean {
  return (
    error instanceof AppException &&
    (error.code === ErrorCode.UNAUTHORIZED || error.code === ErrorCode.INVALID_REFRESH_TOKEN)
  );
}

function describe(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error
    ? String(error.message)
    : String(error);
}
