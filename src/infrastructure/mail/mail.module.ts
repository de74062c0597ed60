import { Module } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { Mailer } from 'src/infrastructure/mail/mailer.port';
import { OutboxMailer } from 'src/infrastructure/mail/outbox-mailer.adapter';
import { ResendMailer } from 'src/infrastructure/mail/resend-mailer.adapter';

/** `MAIL_TRANSPORT` picks the adapter when the app is created, never at import time. */
export function createMailer(config: AppConfig): Mailer {
  switch (config.mail.transport) {
    case 'outbox':
      return new OutboxMailer(config.mail);
    case 'resend':
      return new ResendMailer(config.mail);
  }
}

/** Provides `Mailer` (inject the abstract class). */
@Module({
  providers: [{ provide: Mailer, inject: [APP_CONFIG], useFactory: createMailer }],
  exports: [Mailer],
})
export class MailModule {}
