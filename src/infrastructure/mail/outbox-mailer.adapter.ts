import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { describeError } from 'src/common/errors/describe-error.util';
import type { AppConfig } from 'src/config/app-config';
import { MailDeliveryError, Mailer, type MailMessage } from 'src/infrastructure/mail/mailer.port';

/** Keys of an outbox file, in this order; scripts and the tests read these files. */
export interface OutboxEntry {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: string;
}

/** Development transport: one JSON file per message in `MAIL_OUTBOX_DIR`, so codes can be read locally. */
export class OutboxMailer extends Mailer {
  readonly kind = 'outbox';
  private readonly logger = new Logger(OutboxMailer.name);

  constructor(private readonly config: Pick<AppConfig['mail'], 'outboxDir' | 'from'>) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    const createdAt = new Date().toISOString();
    const entry: OutboxEntry = {
      from: this.config.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      createdAt,
    };
    // `:` is legal on Linux but not on Windows or in some sync tools; the ISO order still sorts by time.
    const fileName = `${createdAt.replace(/:/g, '-')}-${randomBytes(6).toString('hex')}.json`;
    try {
      await mkdir(this.config.outboxDir, { recursive: true });
      // Written aside, then renamed: whoever reads the outbox sees whole messages only.
      const partial = join(this.config.outboxDir, `.${fileName}.partial`);
      await writeFile(partial, `${JSON.stringify(entry, null, 2)}\n`, { flag: 'wx' });
      await rename(partial, join(this.config.outboxDir, fileName));
    } catch (error) {
      throw new MailDeliveryError(`Outbox write failed: ${describeError(error)}`);
    }
    // Recipient and subject only: the body holds one-time codes, which never reach the logs.
    this.logger.log(`Mail to ${message.to}: ${message.subject} (outbox ${fileName})`);
  }
}
