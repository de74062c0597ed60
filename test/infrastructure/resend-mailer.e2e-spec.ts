import { MailDeliveryError } from 'src/infrastructure/mail/mailer.port';
import { ResendMailer } from 'src/infrastructure/mail/resend-mailer.adapter';
import { FakeResendServer } from 'test/fakes/fake-resend.server';

const FROM = 'Dancely <noreply@mail.dancely.in>';
const MESSAGE = {
  to: 'ada@example.com',
  subject: 'Reset your password',
  text: 'Your password reset code: 654321',
  html: '<p>Your password reset code: <b>654321</b></p>',
};

describe('ResendMailer against the fake Resend API', () => {
  let fake: FakeResendServer;
  let sut: ResendMailer;

  beforeAll(async () => {
    fake = await FakeResendServer.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    sut = new ResendMailer({ resendApiKey: fake.apiKey, resendBaseUrl: fake.url, from: FROM });
  });

  it('sends from EMAIL_FROM with both parts through the real SDK', async () => {
    await sut.send(MESSAGE);

    expect(fake.emails).toHaveLength(1);
    expect(fake.emails[0]).toMatchObject({
      from: FROM,
      to: ['ada@example.com'],
      subject: MESSAGE.subject,
      text: MESSAGE.text,
      html: MESSAGE.html,
    });
  });

  it('turns a wrong API key (403 invalid_api_key) into MailDeliveryError', async () => {
    const wrongKey = new ResendMailer({
      resendApiKey: 're_wrong',
      resendBaseUrl: fake.url,
      from: FROM,
    });

    const error = await wrongKey.send(MESSAGE).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toContain('invalid_api_key');
    expect(fake.emails).toHaveLength(0);
  });

  it('turns a provider error answer into MailDeliveryError instead of success', async () => {
    fake.failNext(500);

    await expect(sut.send(MESSAGE)).rejects.toBeInstanceOf(MailDeliveryError);
    expect(fake.rejections).toEqual([
      expect.objectContaining({ status: 500, name: 'application_error' }),
    ]);
  });

  it('turns a 422 validation refusal into MailDeliveryError', async () => {
    await expect(sut.send({ ...MESSAGE, subject: '' })).rejects.toBeInstanceOf(MailDeliveryError);
    expect(fake.rejections[0]).toMatchObject({ status: 422, name: 'missing_required_field' });
  });

  it('turns an unreachable API into MailDeliveryError', async () => {
    const closed = await FakeResendServer.start();
    const url = closed.url;
    await closed.close();
    const unreachable = new ResendMailer({
      resendApiKey: fake.apiKey,
      resendBaseUrl: url,
      from: FROM,
    });

    await expect(unreachable.send(MESSAGE)).rejects.toBeInstanceOf(MailDeliveryError);
  });
});

describe('FakeResendServer', () => {
  let fake: FakeResendServer;

  beforeAll(async () => {
    fake = await FakeResendServer.start({ apiKey: 're_check' });
  });
  afterAll(async () => {
    await fake.close();
  });

  const post = (headers: Record<string, string>, body: unknown): Promise<Response> =>
    fetch(`${fake.url}/emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers 401 without a key, in Resend error shape', async () => {
    const res = await post({}, { from: FROM, to: 'a@b.c', subject: 's', text: 't' });

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      statusCode: 401,
      name: 'missing_api_key',
      message: 'Missing API key in the authorization header.',
    });
  });

  it('answers 422 naming a missing required field', async () => {
    const res = await post(
      { authorization: 'Bearer re_check' },
      { from: FROM, subject: 's', text: 't' },
    );

    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      name: 'missing_required_field',
      message: 'Missing `to` field.',
    });
  });
});
