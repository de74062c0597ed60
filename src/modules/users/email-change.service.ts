import { Injectable, Logger } from '@nestjs/common';
import { describeError } from 'src/common/errors/describe-error.util';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import { LoginFailuresService } from 'src/common/rate-limit/login-failures.service';
import { AccountMailerService } from 'src/modules/users/account-mailer.service';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import type { UpdateEmailDto } from 'src/modules/users/dto/update-email.dto';
import { OneTimeCodesService } from 'src/modules/users/one-time-codes.service';
import { PasswordHasherService } from 'src/modules/users/password-hasher.service';
import type { PendingEmailChange } from 'src/modules/users/schemas/user.schema';
import type { CredentialsRecord } from 'src/modules/users/user-records.type';
import { UsersErrors } from 'src/modules/users/users.errors';
import { toMe } from 'src/modules/users/users.mapper';
import { UsersRepository } from 'src/modules/users/users.repository';

/**
 * A confirmed email change (docs/api.md#email-change). The current password proves the caller is
 * the owner (a borrowed session alone cannot redirect the account's mail, and with it password
 * resets), and a code sent to the new address proves that address. Until then the old email stays
 * in effect.
 */
@Injectable()
export class EmailChangeService {
  private readonly logger = new Logger(EmailChangeService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasherService,
    private readonly loginFailures: LoginFailuresService,
    private readonly codes: OneTimeCodesService,
    private readonly mail: AccountMailerService,
  ) {}

  /** `PATCH /user/email`, checks in the documented order. */
  async request(userId: string, dto: UpdateEmailDto, ip: string): Promise<MeResponse> {
    let account: CredentialsRecord | null = null;
    const passwordOk = await this.loginFailures.attemptSignedIn(userId, ip, async () => {
      account = await this.users.findCredentialsById(userId);
      if (!account) throw UsersErrors.signedOut();
      return this.passwords.verify(dto.password, account.password);
    });
    const owner = account as CredentialsRecord | null;
    if (!owner) throw UsersErrors.signedOut();
    if (!passwordOk) throw UsersErrors.wrongPassword();
    if (dto.email === owner.email) throw UsersErrors.sameEmail();
    if (await this.users.emailHeldByOther(dto.email, owner.id)) throw UsersErrors.emailInUse();

    const issued = await this.codes.issue(owner.id, 'emailChange', {
      pendingEmail: dto.email,
      where: { isVerified: true },
    });
    if (!issued) {
      const current = await this.users.findCodeHolderById(userId, 'emailChange');
      throw UsersErrors.codeCooldown(
        Math.max(1, this.codes.cooldownRemainingSeconds(current?.code ?? null)),
      );
    }
    try {
      await this.mail.sendEmailChangeCode(dto.email, owner.username, issued.code);
    } catch (error) {
      // The change was never confirmable: discard it (which also lifts the cooldown for a retry).
      await this.codes.discard(owner.id, 'emailChange', issued);
      this.logger.warn(
        `Email-change code for user ${userId} not delivered: ${describeError(error)}`,
      );
      throw UsersErrors.emailDeliveryFailed();
    }
    return this.me(userId);
  }

  /**
   * `POST /user/email/verify`: the code, then the address again (it may have been taken since the
   * request), then the switch.
   */
  async confirm(userId: string, code: string): Promise<MeResponse> {
    const holder = await this.users.findCodeHolderById(userId, 'emailChange');
    if (!holder) throw UsersErrors.signedOut();
    const change = holder.code as PendingEmailChange | null;
    const changedAt = new Date();
    try {
      // The unique email index is the "is it still free?" check: it also catches a registration
      // or another change that takes the address between this request's reads and its write.
      // Codes mailed to the old address die with it, in the same update: a reset code read there
      // must not take over the account once it has moved to the new one.
      await this.codes.redeem(holder, 'emailChange', code, () => ({
        email: change?.pendingEmail ?? holder.email,
        passwordReset: null,
        verification: null,
      }));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await this.users.discardEmailChange(holder.id);
      throw UsersErrors.emailInUse();
    }
    if (change) {
      try {
        await this.mail.sendEmailChangedNotice(
          holder.email,
          holder.username,
          change.pendingEmail,
          changedAt,
        );
      } catch (error) {
        this.logger.warn(
          `Email-changed notice for user ${userId} not delivered: ${describeError(error)}`,
        );
      }
    }
    return this.me(userId);
  }

  private async me(userId: string): Promise<MeResponse> {
    const me = await this.users.findMe(userId);
    if (!me) throw UsersErrors.signedOut();
    return toMe(me);
  }
}
