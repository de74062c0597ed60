import { Body, Controller, Get, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import {
  GuestOnly,
  Public,
  RefreshTokenAuth,
  RelaxedRequiredAuth,
  RequiredAuth,
} from 'src/common/decorators/auth-mode.decorator';
import { Client, type ClientContext } from 'src/common/decorators/client-context.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { ApiResult } from 'src/common/decorators/response-message.decorator';
import { RateLimitErrors } from 'src/common/rate-limit/rate-limit.errors';
import { RateLimitBucketOf } from 'src/common/rate-limit/rate-limit.decorator';
import { AuthCookies } from 'src/modules/auth/auth-cookies.decorator';
import { AuthCookiesInterceptor } from 'src/modules/auth/auth-cookies.interceptor';
import type { AuthCookieJar } from 'src/modules/auth/auth-cookies.util';
import { RefreshCredential, SessionCredentials } from 'src/modules/auth/auth-credentials.decorator';
import { AuthMessages } from 'src/modules/auth/auth.messages';
import { AuthService } from 'src/modules/auth/auth.service';
import type { LogoutCredentials } from 'src/modules/auth/sessions.service';
import { ChangePasswordDto } from 'src/modules/users/dto/change-password.dto';
import { CheckUsernameQueryDto } from 'src/modules/users/dto/check-username-query.dto';
import { EmailOnlyDto } from 'src/modules/users/dto/email-only.dto';
import { LoginDto } from 'src/modules/users/dto/login.dto';
import { RegisterDto } from 'src/modules/users/dto/register.dto';
import { ResetPasswordDto } from 'src/modules/users/dto/reset-password.dto';
import { UsernameAvailabilityResponse } from 'src/modules/users/dto/username-availability.response';
import { VerifyAccountDto } from 'src/modules/users/dto/verify-account.dto';
import { AccountsService } from 'src/modules/users/accounts.service';
import { MeResponse } from 'src/modules/users/dto/me.response';
import { UsersErrors } from 'src/modules/users/users.errors';
import { UsersMessages } from 'src/modules/users/users.messages';

/** Tokens travel only in cookies, written by `AuthCookiesInterceptor` from each handler's jar. */
@ApiTags('Auth')
@Controller('auth')
@UseInterceptors(AuthCookiesInterceptor)
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly accounts: AccountsService,
  ) {}

  @Public()
  @Get('check-username')
  @Endpoint({
    message: [UsersMessages.usernameAvailable, UsersMessages.usernameTaken],
    data: UsernameAvailabilityResponse,
  })
  checkUsername(
    @Query() query: CheckUsernameQueryDto,
  ): Promise<ApiResult<UsernameAvailabilityResponse>> {
    return this.accounts.checkUsername(query.username);
  }

  @GuestOnly()
  @RateLimitBucketOf('register')
  @Post('register')
  @Endpoint({
    status: 201,
    message: AuthMessages.registered,
    data: null,
    errors: [UsersErrors.emailTaken, UsersErrors.usernameTaken, UsersErrors.emailDeliveryFailed],
  })
  register(@Body() body: RegisterDto): Promise<void> {
    return this.accounts.register(body);
  }

  @GuestOnly()
  @RateLimitBucketOf('codeCheck')
  @Post('verify-account')
  @Endpoint({
    message: AuthMessages.verified,
    data: null,
    errors: [...UsersErrors.codeRedemption('verification'), UsersErrors.alreadyVerified],
  })
  verifyAccount(@Body() body: VerifyAccountDto): Promise<void> {
    return this.accounts.verifyAccount(body);
  }

  @GuestOnly()
  @RateLimitBucketOf('emailSend')
  @Post('resend-verification')
  @Endpoint({ message: AuthMessages.verificationResent, data: null })
  resendVerification(@Body() body: EmailOnlyDto): Promise<void> {
    return this.accounts.resendVerification(body.email);
  }

  @GuestOnly()
  @RateLimitBucketOf('login')
  @Post('login')
  @Endpoint({
    message: AuthMessages.loggedIn,
    data: MeResponse,
    errors: [UsersErrors.invalidCredentials, RateLimitErrors.tooManyLoginAttempts],
  })
  login(
    @Client() client: ClientContext,
    @AuthCookies() cookies: AuthCookieJar,
    @Body() body: LoginDto,
  ): Promise<MeResponse> {
    return this.auth.login(body, client, cookies);
  }

  @RefreshTokenAuth()
  @Post('refresh-token')
  @Endpoint({ message: AuthMessages.refreshed, data: null })
  refresh(
    @RefreshCredential() refreshToken: string | undefined,
    @Client() client: ClientContext,
    @AuthCookies() cookies: AuthCookieJar,
  ): Promise<void> {
    return this.auth.refresh(refreshToken, client, cookies);
  }

  @GuestOnly()
  @RateLimitBucketOf('emailSend')
  @Post('forgot-password')
  @Endpoint({ message: AuthMessages.resetCodeSent, data: null })
  forgotPassword(@Body() body: EmailOnlyDto): Promise<void> {
    return this.accounts.forgotPassword(body.email);
  }

  @GuestOnly()
  @RateLimitBucketOf('codeCheck')
  @Post('reset-password')
  @Endpoint({
    message: AuthMessages.passwordReset,
    data: null,
    errors: UsersErrors.codeRedemption('passwordReset'),
  })
  resetPassword(
    @AuthCookies() cookies: AuthCookieJar,
    @Body() body: ResetPasswordDto,
  ): Promise<void> {
    return this.auth.resetPassword(body, cookies);
  }

  @RequiredAuth()
  @Get('me')
  @Endpoint({ message: AuthMessages.me, data: MeResponse })
  me(@CurrentUser() user: AuthPrincipal): Promise<MeResponse> {
    return this.auth.me(user.userId);
  }

  @RequiredAuth()
  @Post('change-password')
  @Endpoint({
    message: AuthMessages.passwordChanged,
    data: null,
    errors: [UsersErrors.wrongOldPassword, RateLimitErrors.tooManyLoginAttempts],
  })
  changePassword(
    @CurrentUser() user: AuthPrincipal,
    @Client() client: ClientContext,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    return this.auth.changePassword(user, body, client);
  }

  @RelaxedRequiredAuth()
  @Post('logout')
  @Endpoint({ message: AuthMessages.loggedOut, data: null })
  logout(
    @SessionCredentials() credentials: LogoutCredentials,
    @AuthCookies() cookies: AuthCookieJar,
  ): Promise<void> {
    return this.auth.logout(credentials, cookies);
  }
}
