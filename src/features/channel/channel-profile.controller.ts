import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import { ChannelFiguresService } from 'src/features/channel/channel-figures.service';
import { ChannelMessages } from 'src/features/channel/channel.messages';
import { UserProfileResponse } from 'src/modules/users/dto/user-profile.response';
import { UsersErrors } from 'src/modules/users/users.errors';

/**
 * A user's public profile under `/user`. Literal paths of the users controller (`search`,
 * `history`, …) win over `:username` by route specificity, whichever module declares them.
 */
@ApiTags('User')
@Controller('user')
export class ChannelProfileController {
  constructor(private readonly channels: ChannelFiguresService) {}

  @OptionalAuth()
  @Get(':username')
  // The operation id it had while the users module served it; generated clients keep working.
  @ApiOperation({ operationId: 'UsersController_profile_v1' })
  @Endpoint({
    message: ChannelMessages.profile,
    data: UserProfileResponse,
    errors: [UsersErrors.userNotFound],
  })
  profile(
    @Param('username') username: string,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<UserProfileResponse> {
    return this.channels.profile(username, viewer?.userId ?? null);
  }
}
