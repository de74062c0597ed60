import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { Client, type ClientContext } from 'src/common/decorators/client-context.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { ResponseMessage } from 'src/common/decorators/response-message.decorator';
import { RateLimitBucketOf } from 'src/common/rate-limit/rate-limit.decorator';
import { ApiErrors } from 'src/common/swagger/api-errors.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { PROFILE_IMAGE_FILE } from 'src/common/uploads/media-fields.constant';
import { MultipartUpload } from 'src/common/uploads/multipart.interceptor';
import { NoTextFields } from 'src/common/uploads/no-text-fields.decorator';
import type { VerifiedFiles } from 'src/common/uploads/upload-spec.type';
import { UploadedMedia } from 'src/common/uploads/uploaded-files.decorator';
import { MeResponse } from 'src/modules/users/dto/me.response';
import { SearchUsersQueryDto } from 'src/modules/users/dto/search-users-query.dto';
import { UpdateBioDto } from 'src/modules/users/dto/update-bio.dto';
import { UpdateEmailDto } from 'src/modules/users/dto/update-email.dto';
import { UpdateNameDto } from 'src/modules/users/dto/update-name.dto';
import { UserCardResponse } from 'src/modules/users/dto/user-card.response';
import { VerifyEmailChangeDto } from 'src/modules/users/dto/verify-email-change.dto';
import { EmailChangeService } from 'src/modules/users/email-change.service';
import { UsersService } from 'src/modules/users/users.service';

const PROFILE_IMAGE = { profileImage: PROFILE_IMAGE_FILE };

/**
 * §3, except the watch history (U7, U8), which lives with the videos. Literal paths are declared
 * before `:username` so they win over it (§1.1).
 */
@ApiTags('User')
@Controller('user')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly emailChange: EmailChangeService,
  ) {}

  @OptionalAuth()
  @Get('search')
  @ResponseMessage('Users fetched successfully')
  @ApiSuccess({ message: 'Users fetched successfully', data: [UserCardResponse] })
  search(@Query() query: SearchUsersQueryDto): Promise<UserCardResponse[]> {
    return this.users.search(query);
  }

  @RequiredAuth()
  @Patch('name')
  @ResponseMessage('Name updated successfully')
  @ApiSuccess({ message: 'Name updated successfully', data: MeResponse })
  updateName(@CurrentUser() user: AuthPrincipal, @Body() body: UpdateNameDto): Promise<MeResponse> {
    return this.users.updateName(user.userId, body.name);
  }

  @RequiredAuth()
  @RateLimitBucketOf('emailSend')
  @Patch('email')
  @ResponseMessage('Verification code sent to your new email')
  @ApiSuccess({ message: 'Verification code sent to your new email', data: MeResponse })
  @ApiErrors({
    400: [
      'WRONG_PASSWORD: Password is incorrect',
      'BAD_REQUEST: New email must be different from the current email',
    ],
    409: ['CONFLICT: Email is already in use'],
    429: [
      'RATE_LIMITED: Too many login attempts, please try again later',
      'RATE_LIMITED: Please wait before requesting another code',
    ],
    503: ['EMAIL_DELIVERY_FAILED: Failed to send verification email'],
  })
  requestEmailChange(
    @CurrentUser() user: AuthPrincipal,
    @Client() client: ClientContext,
    @Body() body: UpdateEmailDto,
  ): Promise<MeResponse> {
    return this.emailChange.request(user.userId, body, client.ip);
  }

  @RequiredAuth()
  @RateLimitBucketOf('codeCheck')
  @Post('email/verify')
  @HttpCode(HttpStatus.OK)
  @ResponseMessage('Email updated successfully')
  @ApiSuccess({ message: 'Email updated successfully', data: MeResponse })
  @ApiErrors({
    400: [
      'INVALID_CODE: Invalid verification code',
      'CODE_EXPIRED: Verification code expired. Please request a new code',
      'TOO_MANY_ATTEMPTS: Too many attempts, request a new code',
    ],
    409: ['CONFLICT: Email is already in use'],
  })
  confirmEmailChange(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: VerifyEmailChangeDto,
  ): Promise<MeResponse> {
    return this.emailChange.confirm(user.userId, body.code);
  }

  @RequiredAuth()
  @Patch('profileimage')
  @MultipartUpload(PROFILE_IMAGE)
  @ResponseMessage('User profileImage updated successfully')
  @ApiSuccess({ message: 'User profileImage updated successfully', data: MeResponse })
  @ApiErrors({ 502: ['STORAGE_ERROR: Media storage error'] })
  updateProfileImage(
    @CurrentUser() user: AuthPrincipal,
    @NoTextFields() _fields: undefined,
    @UploadedMedia(PROFILE_IMAGE) files: VerifiedFiles<'profileImage'>,
  ): Promise<MeResponse> {
    return this.users.updateProfileImage(user.userId, files.profileImage);
  }

  @RequiredAuth()
  @Patch('bio')
  @ResponseMessage('Bio updated successfully')
  @ApiSuccess({ message: 'Bio updated successfully', data: MeResponse })
  updateBio(@CurrentUser() user: AuthPrincipal, @Body() body: UpdateBioDto): Promise<MeResponse> {
    return this.users.updateBio(user.userId, body.bio);
  }
}
