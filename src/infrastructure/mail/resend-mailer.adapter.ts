import { Resend } from 'resend';
import { describeError } from 'src/common/errors/describe-error.util';
import type { AppConfig } from 'src/config/app-config';
import { MailDeliveryError, Mailer, type MailMessage } from 'src/infrastructure/mail/mailer.port';

/** Production transport: the real Resend SDK. */
export class ResendMailer extends Mailer {
  readonly kind = 'resend';
  private readonly client: Resend;

  constructor(
    private readonly config: Pick<AppConfig['mail'], 'resendApiKey' | 'resendBaseUrl' | 'from'>,
  ) {
    super();
    // The `baseUrl` option, not the SDK's RESEND_BASE_URL fallback: nothing reads process.env but the config.
    this.client = new Resend(
      config.resendApiKey,
      config.resendBaseUrl ? { baseUrl: config.resendBaseUrl } : undefined,
    );
  }

  async send(message: MailMessage): Promise<void> {
    let result: Awaited<ReturnType<Resend['emails']['send']>>;
    try {
      result = await this.client.emails.send({
        from: this.config.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
    } catch (error) {
      throw new MailDeliveryError(`Resend request failed: ${describeError(error)}`);
    }
    // The SDK reports provider refusals (and most network failures) as `error` instead of throwing.
    if (result.error) {
      const { name, statusCode, message: reason } = result.error;
      throw new MailDeliveryError(
        `Resend refused the message (${statusCode ?? 'no HTTP status'} ${name}): ${reason}`,
      );
    }
    if (!result.data?.id) throw new MailDeliveryError('Resend answered without a message id');
  }
}
