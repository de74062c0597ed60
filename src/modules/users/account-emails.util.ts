import type { MailMessage } from 'src/infrastructure/mail/mailer.port';

/*
 * The four account emails, as pure functions of their inputs: plain text and HTML,
 * each greeting the username. Codes appear only in the message bodies, never in subjects, so
 * the one log line a transport writes (recipient and subject) never holds one.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function compose(
  to: string,
  subject: string,
  greeting: string,
  lines: string[],
  htmlLines: string[],
): MailMessage {
  return {
    to,
    subject,
    text: [`Hi ${greeting},`, '', ...lines, '', '— Dancely'].join('\n'),
    html: [
      `<p>Hi ${escapeHtml(greeting)},</p>`,
      ...htmlLines.map((line) => `<p>${line}</p>`),
      '<p>— Dancely</p>',
    ].join('\n'),
  };
}

export function verificationEmail(
  to: string,
  username: string,
  code: string,
  ttlMinutes: number,
): MailMessage {
  return compose(
    to,
    'Verify your email',
    username,
    [
      `Your verification code: ${code}`,
      `It expires in ${ttlMinutes} minutes.`,
      'If you did not sign up for Dancely, ignore this email.',
    ],
    [
      `Your verification code: <strong>${code}</strong>`,
      `It expires in ${ttlMinutes} minutes.`,
      'If you did not sign up for Dancely, ignore this email.',
    ],
  );
}

export function passwordResetEmail(
  to: string,
  username: string,
  code: string,
  ttlMinutes: number,
): MailMessage {
  return compose(
    to,
    'Reset your password',
    username,
    [
      `Your password reset code: ${code}`,
      `It expires in ${ttlMinutes} minutes.`,
      'If you did not ask to reset your password, ignore this email: your password stays as it is.',
    ],
    [
      `Your password reset code: <strong>${code}</strong>`,
      `It expires in ${ttlMinutes} minutes.`,
      'If you did not ask to reset your password, ignore this email: your password stays as it is.',
    ],
  );
}

export function emailChangeCodeEmail(
  to: string,
  username: string,
  code: string,
  ttlMinutes: number,
): MailMessage {
  return compose(
    to,
    'Confirm your new email',
    username,
    [
      `Your code to confirm this address for your Dancely account: ${code}`,
      `It expires in ${ttlMinutes} minutes.`,
      'If you did not ask for this change, ignore this email.',
    ],
    [
      `Your code to confirm this address for your Dancely account: <strong>${code}</strong>`,
      `It expires in ${ttlMinutes} minutes.`,
      'If you did not ask for this change, ignore this email.',
    ],
  );
}

export function emailChangedNotice(
  to: string,
  username: string,
  newEmail: string,
  changedAt: Date,
): MailMessage {
  const masked = maskEmail(newEmail);
  const when = changedAt.toISOString();
  const advice = 'If this was not you, reset your password right away and contact Dancely support.';
  return compose(
    to,
    'Your Dancely email was changed',
    username,
    [`The email address of your Dancely account was changed to ${masked} at ${when}.`, advice],
    [
      `The email address of your Dancely account was changed to <strong>${escapeHtml(masked)}</strong> at ${when}.`,
      escapeHtml(advice),
    ],
  );
}

/** `ada.lovelace@example.com` → `a***@e***.com`: recognisable to its owner, useless to anyone else. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
}
