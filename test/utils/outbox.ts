import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntry } from 'src/infrastructure/mail/outbox-mailer.adapter';
import type { TestApp } from 'test/utils/test-app';

/** Every message the app wrote to its file outbox (MAIL_TRANSPORT=outbox), oldest first. */
export function outbox(t: TestApp): OutboxEntry[] {
  const dir = t.config.mail.outboxDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as OutboxEntry);
}

/** Messages to one address, oldest first, optionally only those with this subject. */
export function emailsTo(t: TestApp, address: string, subject?: string): OutboxEntry[] {
  return outbox(t).filter(
    (entry) => entry.to === address && (subject === undefined || entry.subject === subject),
  );
}

/** The 6-digit code of the newest message to `address` (with `subject` if given); throws if there is none. */
export function lastCode(t: TestApp, address: string, subject?: string): string {
  const messages = emailsTo(t, address, subject);
  const last = messages[messages.length - 1];
  if (!last)
    throw new Error(
      `No email to ${address}${subject ? ` with subject "${subject}"` : ''} in the outbox`,
    );
  const match = /\b(\d{6})\b/.exec(last.text);
  if (!match) throw new Error(`The newest email to ${address} holds no 6-digit code`);
  return match[1];
}
