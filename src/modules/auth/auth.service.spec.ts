import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { AuthCookieJar } from 'src/modules/auth/auth-cookies.util';
import { AuthService } from 'src/modules/auth/auth.service';
import type { LogoutCredentials, SessionsService } from 'src/modules/auth/sessions.service';
import type { AccountsService } from 'src/modules/users/accounts.service';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import type { UsersService } from 'src/modules/users/users.service';

const CLIENT = { ip: '1.2.3.4', userAgent: 'jest' };
const ME = { _id: 'x' } as MeResponse;
const USER_ID = '65a1b2c3d4e5f60718293a4b';
const NO_CREDENTIALS: LogoutCredentials = {
  principal: null,
  access: { bearer: undefined, cookie: undefined },
  refreshToken: undefined,
};

async function failure(promise: Promise<unknown>): Promise<AppException> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof AppException))
    throw new Error(`expected an AppException, got ${String(error)}`);
  return error;
}

describe('AuthService', () => {
  let accounts: jest.Mocked<
    Pick<AccountsService, 'checkLogin' | 'resetPassword' | 'changePassword'>
  >;
  let users: jest.Mocked<Pick<UsersService, 'getMe'>>;
  let sessions: jest.Mocked<
    Pick<
      SessionsService,
      'open' | 'refresh' | 'revokeAll' | 'revokeOthers' | 'logout' | 'revokeOwn'
    >
  >;
  let cookies: AuthCookieJar;
  let sut: AuthService;

  beforeEach(() => {
    accounts = { checkLogin: jest.fn(), resetPassword: jest.fn(), changePassword: jest.fn() };
    users = { getMe: jest.fn().mockResolvedValue(ME) };
    sessions = {
      open: jest.fn(),
      refresh: jest.fn(),
      revokeAll: jest.fn(),
      revokeOthers: jest.fn(),
      logout: jest.fn(),
      revokeOwn: jest.fn(),
    };
    cookies = new AuthCookieJar();
    sut = new AuthService(
      accounts as unknown as AccountsService,
      users as unknown as UsersService,
      sessions as unknown as SessionsService,
    );
  });

  describe('login', () => {
    it('opens a session for the account, signs the cookies in and returns its Me', async () => {
      accounts.checkLogin.mockResolvedValue({ userId: USER_ID, me: ME });
      sessions.open.mockResolvedValue({ accessToken: 'a', refreshToken: 'r' });
      expect(await sut.login({ identifier: 'ada', password: 'right' }, CLIENT, cookies)).toBe(ME);
      expect(accounts.checkLogin).toHaveBeenCalledWith(
        { identifier: 'ada', password: 'right' },
        CLIENT.ip,
      );
      expect(sessions.open).toHaveBeenCalledWith(USER_ID, CLIENT);
      // The Me came with the credentials: no second read of the user.
      expect(users.getMe).not.toHaveBeenCalled();
      expect(cookies.instruction).toEqual({ kind: 'sign-in', accessToken: 'a', refreshToken: 'r' });
    });

    it('opens no session and writes no cookie when the credentials fail', async () => {
      accounts.checkLogin.mockRejectedValue(new AppException(ErrorCode.INVALID_CREDENTIALS));
      const error = await failure(sut.login({ identifier: 'ada', password: 'x' }, CLIENT, cookies));
      expect(error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
      expect(sessions.open).not.toHaveBeenCalled();
      expect(cookies.instruction).toBeNull();
    });
  });

  describe('refresh and logout cookies', () => {
    it('clears both cookies when the refresh fails with a 401', async () => {
      sessions.refresh.mockRejectedValue(new AppException(ErrorCode.INVALID_REFRESH_TOKEN));
      await failure(sut.refresh('t', CLIENT, cookies));
      expect(cookies.instruction).toEqual({ kind: 'clear' });
    });

    it('leaves the cookies alone when the refresh fails for another reason (e.g. the database)', async () => {
      sessions.refresh.mockRejectedValue(new AppException(ErrorCode.SERVICE_UNAVAILABLE));
      await failure(sut.refresh('t', CLIENT, cookies));
      expect(cookies.instruction).toBeNull();
    });

    it('sets only the access cookie in the grace case', async () => {
      sessions.refresh.mockResolvedValue({ kind: 'grace', accessToken: 'a2' });
      await sut.refresh('t', CLIENT, cookies);
      expect(cookies.instruction).toEqual({ kind: 'renew-access', accessToken: 'a2' });
    });

    it('clears both cookies on logout, also when it fails with 401', async () => {
      await sut.logout(NO_CREDENTIALS, cookies);
      expect(cookies.instruction).toEqual({ kind: 'clear' });
      const failed = new AuthCookieJar();
      sessions.logout.mockRejectedValue(new AppException(ErrorCode.UNAUTHORIZED));
      await failure(sut.logout(NO_CREDENTIALS, failed));
      expect(failed.instruction).toEqual({ kind: 'clear' });
    });
  });

  describe('revokeSession (the session list)', () => {
    const principal = { userId: USER_ID, sessionId: 'c2Vzc2lvbi1pZC0xMjM0NQ' };

    it('clears both cookies when the revoked session is the current one, like a logout', async () => {
      sessions.revokeOwn.mockResolvedValue({ current: true });
      await sut.revokeSession(principal, principal.sessionId, cookies);
      expect(cookies.instruction).toEqual({ kind: 'clear' });
    });

    it('leaves the cookies alone for another session, and on a 404', async () => {
      sessions.revokeOwn.mockResolvedValue({ current: false });
      await sut.revokeSession(principal, 'b3RoZXItc2Vzc2lvbi0xMj', cookies);
      expect(cookies.instruction).toBeNull();
      sessions.revokeOwn.mockRejectedValue(AppException.notFound('Session not found'));
      expect((await failure(sut.revokeSession(principal, 'x', cookies))).code).toBe('NOT_FOUND');
      expect(cookies.instruction).toBeNull();
    });
  });

  describe('resetPassword', () => {
    const dto = { email: 'ada@example.com', code: '123456', newPassword: 'new one 123' };

    it('revokes every session of the account and clears the cookies', async () => {
      accounts.resetPassword.mockResolvedValue(USER_ID);
      await sut.resetPassword(dto, cookies);
      expect(accounts.resetPassword).toHaveBeenCalledWith(dto);
      expect(sessions.revokeAll).toHaveBeenCalledWith(USER_ID, 'password_reset');
      expect(cookies.instruction).toEqual({ kind: 'clear' });
    });

    it('revokes nothing and leaves the cookies alone when the code fails', async () => {
      accounts.resetPassword.mockRejectedValue(
        new AppException(ErrorCode.INVALID_CODE, 'Invalid reset code'),
      );
      await failure(sut.resetPassword(dto, cookies));
      expect(sessions.revokeAll).not.toHaveBeenCalled();
      expect(cookies.instruction).toBeNull();
    });
  });

  describe('changePassword', () => {
    const principal = { userId: USER_ID, sessionId: 'c2Vzc2lvbi1pZC0xMjM0NQ' };
    const dto = { oldPassword: 'old one', newPassword: 'new one 123' };

    it('ends every other session once the password has changed', async () => {
      await sut.changePassword(principal, dto, CLIENT);
      expect(accounts.changePassword).toHaveBeenCalledWith(USER_ID, dto, CLIENT.ip);
      expect(sessions.revokeOthers).toHaveBeenCalledWith(USER_ID, principal.sessionId);
    });

    it('ends no session when the old password is wrong', async () => {
      accounts.changePassword.mockRejectedValue(
        new AppException(ErrorCode.WRONG_PASSWORD, 'Old password is incorrect'),
      );
      await failure(sut.changePassword(principal, dto, CLIENT));
      expect(sessions.revokeOthers).not.toHaveBeenCalled();
    });
  });
});
