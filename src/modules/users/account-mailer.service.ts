import { Injectable } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { Mailer } from 'src/infrastructure/mail/mailer.port';
import {
  emailChangeCodeEmail,
  emailChangedNotice,
  passwordResetEmail,
  verificationEmail,
} from 'src/modules/users/account-emails.util';

/** Sends the account emails. Rejects when the provider refuses; callers decide what that means. */
@Injectable()
export class AccountMailerService {
  constructor(
    private readonly mailer: Mailer,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  sendVerificationCode(to: string, username: string, code: string): Promise<void> {
    return this.mailer.send(verificationEmail(to, username, code, this.config.auth.codeTtlMinutes));
  }

  sendPasswordResetCode(to: string, username: string, code: string): Promise<void> {
    return this.mailer.send(
      passwordResetEmail(to, username, code, this.config.auth.codeTtlMinutes),
    );
  }

  sendEmailChangeCode(to: string, username: string, code: string): Promise<void> {
    return this.mailer.send(
      emailChangeCodeEmail(to, username, code, this.config.auth.codeTtlMinutes),
    );
  }

  sendEmailChangedNotice(
    to: string,
    username: string,
    newEmail: string,
    changedAt: Date,
  ): Promise<void> {
    return this.mailer.send(emailChangedNotice(to, username, newEmail, changedAt));
  }
}
