import type { CursorList } from 'src/common/dto/paginated.util';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { Client, type ClientContext } from 'src/common/decorators/client-context.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import { CommonErrors } from 'src/common/errors/common.errors';
import { RateLimitErrors } from 'src/common/rate-limit/rate-limit.errors';
import { RateLimitBucketOf } from 'src/common/rate-limit/rate-limit.decorator';
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
import { UsersErrors } from 'src/modules/users/users.errors';
import { UsersMessages } from 'src/modules/users/users.messages';
import { UsersService } from 'src/modules/users/users.service';

const PROFILE_IMAGE = { profileImage: PROFILE_IMAGE_FILE };

/**
 * `/user`, except the watch history (`/user/history`, engagement feature) and the profiles
 * (`/user/:username`, channel feature). Its literal paths win over `:username` by route
 * specificity, whichever module declares them (docs/api.md#paths).
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
  @Endpoint({
    message: UsersMessages.searched,
    data: [UserCardResponse],
    cursor: true,
    errors: [PaginationErrors.invalidCursor],
  })
  search(@Query() query: SearchUsersQueryDto): Promise<CursorList<UserCardResponse>> {
    return this.users.search(query);
  }

  @RequiredAuth()
  @Patch('name')
  @Endpoint({ message: UsersMessages.nameUpdated, data: MeResponse })
  updateName(@CurrentUser() user: AuthPrincipal, @Body() body: UpdateNameDto): Promise<MeResponse> {
    return this.users.updateName(user.userId, body.name);
  }

  @RequiredAuth()
  @RateLimitBucketOf('emailSend')
  @Patch('email')
  @Endpoint({
    message: UsersMessages.emailCodeSent,
    data: MeResponse,
    errors: [
      UsersErrors.wrongPassword,
      UsersErrors.sameEmail,
      UsersErrors.emailInUse,
      RateLimitErrors.tooManyLoginAttempts,
      UsersErrors.codeCooldown,
      UsersErrors.emailDeliveryFailed,
    ],
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
  @Endpoint({
    message: UsersMessages.emailUpdated,
    data: MeResponse,
    errors: [...UsersErrors.codeRedemption('emailChange'), UsersErrors.emailInUse],
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
  @Endpoint({
    message: UsersMessages.profileImageUpdated,
    data: MeResponse,
    errors: [CommonErrors.storage],
  })
  updateProfileImage(
    @CurrentUser() user: AuthPrincipal,
    @NoTextFields() _fields: undefined,
    @UploadedMedia(PROFILE_IMAGE) files: VerifiedFiles<'profileImage'>,
  ): Promise<MeResponse> {
    return this.users.updateProfileImage(user.userId, files.profileImage);
  }

  @RequiredAuth()
  @Patch('bio')
  @Endpoint({ message: UsersMessages.bioUpdated, data: MeResponse })
  updateBio(@CurrentUser() user: AuthPrincipal, @Body() body: UpdateBioDto): Promise<MeResponse> {
    return this.users.updateBio(user.userId, body.bio);
  }
}
