import { redact, redactField, redactText } from 'src/infrastructure/logging/redact.util';

describe('log redaction', () => {
  it('replaces the values of secret-looking keys at any depth', () => {
    const sut = redact({
      user: 'ana',
      password: 'hunter22',
      nested: {
        refreshToken: 'abc.def',
        headers: { authorization: 'Bearer x', cookie: 'accessToken=y' },
      },
      list: [{ code: '123456' }, { newPassword: 'p' }],
    });
    expect(sut).toEqual({
      user: 'ana',
      password: '[REDACTED]',
      nested: {
        refreshToken: '[REDACTED]',
        headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' },
      },
      list: [{ code: '[REDACTED]' }, { newPassword: '[REDACTED]' }],
    });
  });

  it('scrubs tokens written inside free text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcDEF123_-';
    const text = redactText(
      `failed with Bearer ${jwt} and refreshToken=0123456789abcdef01234567.secret; ok`,
    );
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('secret;');
    expect(text).toContain('Bearer [REDACTED]');
  });

  it('scrubs every inline form whatever its case, and returns other text as it is', () => {
    expect(redactText('BEARER abc.def and BeArEr x')).toBe(
      'BEARER [REDACTED] and BeArEr [REDACTED]',
    );
    expect(redactText('AccessToken=abc; REFRESHTOKEN=def')).toBe(
      'AccessToken=[REDACTED]; REFRESHTOKEN=[REDACTED]',
    );
    expect(redactText('id eyJabcde.fghijk.lmn end')).toBe('id [REDACTED] end');
    for (const plain of ['GET', '/api/v1/video/abc', 'request', 'EYJabcde.fghijk.lmn', 'token'])
      expect(redactText(plain)).toBe(plain);
  });

  it('keeps ordinary fields untouched', () => {
    expect(redactField('status', 200)).toBe(200);
    expect(redactField('path', '/api/v1/video')).toBe('/api/v1/video');
    expect(redactField('apiKey', 'k')).toBe('[REDACTED]');
  });
});
