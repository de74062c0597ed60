import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { MailDeliveryError } from 'src/infrastructure/mail/mailer.port';
import { OutboxMailer, type OutboxEntry } from 'src/infrastructure/mail/outbox-mailer.adapter';

const FROM = 'Dancely <noreply@mail.dancely.in>';
const MESSAGE = {
  to: 'ada@example.com',
  subject: 'Verify your email',
  text: 'Hi ada, your code is 123456',
  html: '<p>Hi ada, your code is <b>123456</b></p>',
};

describe('OutboxMailer', () => {
  let root: string;
  let outboxDir: string;
  let sut: OutboxMailer;
  let logged: jest.SpiedFunction<Logger['log']>;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dancely-outbox-'));
    outboxDir = join(root, 'nested', 'outbox');
    sut = new OutboxMailer({ outboxDir, from: FROM });
    logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    logged.mockRestore();
    await rm(root, { recursive: true, force: true });
  });

  it('creates the directory and writes one filesystem-safe JSON file with the outbox keys', async () => {
    const before = Date.now();

    await sut.send(MESSAGE);

    const files = await readdir(outboxDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[0-9a-f]{12}\.json$/);
    const entry = JSON.parse(await readFile(join(outboxDir, files[0]), 'utf8')) as OutboxEntry;
    expect(Object.keys(entry)).toEqual(['from', 'to', 'subject', 'text', 'html', 'createdAt']);
    expect(entry).toMatchObject({ from: FROM, ...MESSAGE });
    expect(Date.parse(entry.createdAt)).toBeGreaterThanOrEqual(before - 1);
  });

  it('keeps every message, even several in the same millisecond', async () => {
    await Promise.all([sut.send(MESSAGE), sut.send(MESSAGE), sut.send(MESSAGE)]);

    expect(await readdir(outboxDir)).toHaveLength(3);
  });

  it('logs one line with recipient and subject, never the body', async () => {
    await sut.send(MESSAGE);

    expect(logged).toHaveBeenCalledTimes(1);
    const line = String(logged.mock.calls[0]?.[0]);
    expect(line).toContain('ada@example.com');
    expect(line).toContain('Verify your email');
    expect(line).not.toContain('123456');
  });

  it('reports an unwritable outbox as a delivery failure', async () => {
    const blocker = join(root, 'file');
    await writeFile(blocker, 'not a directory');
    const broken = new OutboxMailer({ outboxDir: join(blocker, 'outbox'), from: FROM });

    await expect(broken.send(MESSAGE)).rejects.toBeInstanceOf(MailDeliveryError);
    expect(logged).not.toHaveBeenCalled();
  });
});
