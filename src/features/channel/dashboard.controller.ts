import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import { ChannelFiguresService } from 'src/features/channel/channel-figures.service';
import { ChannelMessages } from 'src/features/channel/channel.messages';
import { DashboardStatsResponse } from 'src/features/channel/dto/dashboard-stats.response';

/** The creator dashboard. The creator's video list is GET /video/me. */
@ApiTags('Dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly channels: ChannelFiguresService) {}

  @RequiredAuth()
  @Get('stats')
  @Endpoint({ message: ChannelMessages.dashboard, data: DashboardStatsResponse })
  stats(@CurrentUser() user: AuthPrincipal): Promise<DashboardStatsResponse> {
    return this.channels.dashboard(user.userId);
  }
}
