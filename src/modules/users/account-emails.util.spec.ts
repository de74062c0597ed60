import {
  emailChangeCodeEmail,
  emailChangedNotice,
  maskEmail,
  passwordResetEmail,
  verificationEmail,
} from 'src/modules/users/account-emails.util';

describe('account emails', () => {
  it.each([
    ['ada.lovelace@example.com', 'a***@e***.com'],
    ['x@sub.domain.io', 'x***@s***.io'],
    ['bob@localhost', 'b***@l***'],
  ])('masks %s as %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it.each([
    [
      'verification',
      verificationEmail('a@b.io', 'ada', '042917', 15),
      'Verify your email',
      'Your verification code: 042917',
    ],
    [
      'password reset',
      passwordResetEmail('a@b.io', 'ada', '042917', 15),
      'Reset your password',
      'Your password reset code: 042917',
    ],
    [
      'email change',
      emailChangeCodeEmail('a@b.io', 'ada', '042917', 15),
      'Confirm your new email',
      '042917',
    ],
  ])(
    '%s: subject, greeting, code, expiry, in text and html; never the code in the subject',
    (_kind, mail, subject, line) => {
      expect(mail.subject).toBe(subject);
      expect(mail.subject).not.toMatch(/\d{6}/);
      expect(mail.text).toContain('Hi ada,');
      expect(mail.text).toContain(line);
      expect(mail.text).toContain('expires in 15 minutes');
      expect(mail.html).toContain('<p>Hi ada,</p>');
      expect(mail.html).toContain('<strong>042917</strong>');
      expect(mail.html).toContain('expires in 15 minutes');
    },
  );

  it('the changed notice masks the new address and gives the time and the advice', () => {
    const mail = emailChangedNotice(
      'old@example.com',
      'ada',
      'new.person@mail.org',
      new Date('2026-02-20T10:15:30.123Z'),
    );
    expect(mail).toMatchObject({
      to: 'old@example.com',
      subject: 'Your Dancely email was changed',
    });
    expect(mail.text).not.toContain('new.person@mail.org');
    expect(mail.text).toContain('n***@m***.org');
    expect(mail.text).toContain('2026-02-20T10:15:30.123Z');
    expect(mail.text).toMatch(/reset your password/);
    expect(mail.html).not.toContain('new.person@mail.org');
  });

  it('escapes HTML in the greeting', () => {
    expect(verificationEmail('a@b.io', '<b>x</b>', '123456', 15).html).toContain(
      'Hi &#60;b&#62;x&#60;/b&#62;,',
    );
  });
});
