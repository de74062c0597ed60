export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Raised by adapters when the provider refuses or cannot be reached. */
export class MailDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

export abstract class Mailer {
  abstract readonly kind: 'outbox' | 'resend';
  /** Resolves once the provider accepted the message; rejects with MailDeliveryError otherwise. */
  abstract send(message: MailMessage): Promise<void>;
}
