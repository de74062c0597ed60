import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
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
import { type ApiResult, ResponseMessage } from 'src/common/decorators/response-message.decorator';
import { RateLimitBucketOf } from 'src/common/rate-limit/rate-limit.decorator';
import { ApiErrors } from 'src/common/swagger/api-errors.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { AuthCookies } from 'src/modules/auth/auth-cookies.decorator';
import { AuthCookiesInterceptor } from 'src/modules/auth/auth-cookies.interceptor';
import type { AuthCookieJar } from 'src/modules/auth/auth-cookies.util';
import { RefreshCredential, SessionCredentials } from 'src/modules/auth/auth-credentials.decorator';
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

const VERIFICATION_CODE_ERRORS = [
  'INVALID_CODE: Invalid verification code',
  'CODE_EXPIRED: Verification code expired. Please request a new code',
  'TOO_MANY_ATTEMPTS: Too many attempts, request a new code',
];
const LOGIN_ATTEMPTS_429 = 'RATE_LIMITED: Too many login attempts, please try again later';

/** §2. Tokens travel only in cookies, written by `AuthCookiesInterceptor` from each handler's jar. */
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
  @ApiSuccess({
    message: ['Username is available', 'Username is already taken'],
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
  @HttpCode(HttpStatus.CREATED)
  @ResponseMessage('User registered. Please verify your email')
  @ApiSuccess({ status: 201, message: 'User registered. Please verify your email', data: null })
  @ApiErrors({
    409: ['CONFLICT: Email already exists', 'CONFLICT: Username already exists'],
    503: ['EMAIL_DELIVERY_FAILED: Failed to send verification email'],
  })
  register(@Body() body: RegisterDto): Promise<void> {
    return this.accounts.register(body);
  }

  @GuestOnly()
  @RateLimitBucketOf('codeCheck')
  @Post('verify-account')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('Email verified successfully')
  @ApiSuccess({ message: 'Email verified successfully', data: null })
  @ApiErrors({ 400: [...VERIFICATION_CODE_ERRORS, 'ALREADY_VERIFIED: User already verified'] })
  verifyAccount(@Body() body: VerifyAccountDto): Promise<void> {
    return this.accounts.verifyAccount(body);
  }

  @GuestOnly()
  @RateLimitBucketOf('emailSend')
  @Post('resend-verification')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage(
    'If an unverified account exists for this email, a new verification code has been sent',
  )
  @ApiSuccess({
    message:
      'If an unverified account exists for this email, a new verification code has been sent',
    data: null,
  })
  resendVerification(@Body() body: EmailOnlyDto): Promise<void> {
    return this.accounts.resendVerification(body.email);
  }

  @GuestOnly()
  @RateLimitBucketOf('login')
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('User logged in successfully')
  @ApiSuccess({ message: 'User logged in successfully', data: MeResponse })
  @ApiErrors({ 401: ['INVALID_CREDENTIALS: Invalid credentials'], 429: [LOGIN_ATTEMPTS_429] })
  login(
    @Client() client: ClientContext,
    @AuthCookies() cookies: AuthCookieJar,
    @Body() body: LoginDto,
  ): Promise<MeResponse> {
    return this.auth.login(body, client, cookies);
  }

  @RefreshTokenAuth()
  @Post('refresh-token')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('Access token refreshed successfully')
  @ApiSuccess({ message: 'Access token refreshed successfully', data: null })
  refresh(
    @RefreshCredential() refreshToken: string | undefined,
    @AuthCookies() cookies: AuthCookieJar,
  ): Promise<void> {
    return this.auth.refresh(refreshToken, cookies);
  }

  @GuestOnly()
  @RateLimitBucketOf('emailSend')
  @Post('forgot-password')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('If an account exists for this email, a password reset code has been sent')
  @ApiSuccess({
    message: 'If an account exists for this email, a password reset code has been sent',
    data: null,
  })
  forgotPassword(@Body() body: EmailOnlyDto): Promise<void> {
    return this.accounts.forgotPassword(body.email);
  }

  @GuestOnly()
  @RateLimitBucketOf('codeCheck')
  @Post('reset-password')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('Password reset successful. Please login again')
  @ApiSuccess({ message: 'Password reset successful. Please login again', data: null })
  @ApiErrors({
    400: [
      'INVALID_CODE: Invalid reset code',
      'CODE_EXPIRED: Reset code expired. Please try again',
      'TOO_MANY_ATTEMPTS: Too many attempts, request a new code',
    ],
  })
  resetPassword(
    @AuthCookies() cookies: AuthCookieJar,
    @Body() body: ResetPasswordDto,
  ): Promise<void> {
    return this.auth.resetPassword(body, cookies);
  }

  @RequiredAuth()
  @Get('me')
  @ResponseMessage('User details fetched successfully')
  @ApiSuccess({ message: 'User details fetched successfully', data: MeResponse })
  me(@CurrentUser() user: AuthPrincipal): Promise<MeResponse> {
    return this.auth.me(user.userId);
  }

  @RequiredAuth()
  @Post('change-password')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('Password changed successfully')
  @ApiSuccess({ message: 'Password changed successfully', data: null })
  @ApiErrors({ 400: ['WRONG_PASSWORD: Old password is incorrect'], 429: [LOGIN_ATTEMPTS_429] })
  changePassword(
    @CurrentUser() user: AuthPrincipal,
    @Client() client: ClientContext,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    return this.auth.changePassword(user, body, client);
  }

  @RelaxedRequiredAuth()
  @Post('logout')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('User logged out successfully')
  @ApiSuccess({ message: 'User logged out successfully', data: null })
  logout(
    @SessionCredentials() credentials: LogoutCredentials,
    @AuthCookies() cookies: AuthCookieJar,
  ): Promise<void> {
    return this.auth.logout(credentials, cookies);
  }
}
