import { loadAppConfig } from 'src/config/app-config';
import { cookieWrites } from 'src/modules/auth/auth-cookies.util';

describe('cookieWrites', () => {
  const production = loadAppConfig({
    NODE_ENV: 'test',
    COOKIE_DOMAIN: 'dancely.in',
    COOKIE_SECURE: 'true',
    REFRESH_TOKEN_TTL: '7d',
  });

  it('sets both cookies HttpOnly, SameSite=Lax, Path=/, with Secure, Domain and the refresh lifetime', () => {
    const writes = cookieWrites(
      { kind: 'sign-in', accessToken: 'a', refreshToken: 'r' },
      production,
    );
    const options = {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: true,
      domain: 'dancely.in',
      maxAge: 7 * 86400,
    };
    expect(writes).toEqual([
      { name: 'accessToken', value: 'a', options },
      { name: 'refreshToken', value: 'r', options },
    ]);
  });

  it('renews only the access cookie in the grace case', () => {
    expect(
      cookieWrites({ kind: 'renew-access', accessToken: 'a2' }, production).map((w) => w.name),
    ).toEqual(['accessToken']);
  });

  it('clears both with the same Path, Domain, SameSite and Secure', () => {
    const writes = cookieWrites({ kind: 'clear' }, production);
    expect(writes).toEqual([
      {
        name: 'accessToken',
        value: null,
        options: { path: '/', httpOnly: true, sameSite: 'lax', secure: true, domain: 'dancely.in' },
      },
      {
        name: 'refreshToken',
        value: null,
        options: { path: '/', httpOnly: true, sameSite: 'lax', secure: true, domain: 'dancely.in' },
      },
    ]);
  });

  it('omits Domain and Secure by default outside production', () => {
    const [access] = cookieWrites(
      { kind: 'renew-access', accessToken: 'a' },
      loadAppConfig({ NODE_ENV: 'test' }),
    );
    expect(access.options).toEqual({
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: false,
      maxAge: 30 * 86400,
    });
  });
});
