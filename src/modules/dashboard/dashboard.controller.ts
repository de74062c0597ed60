import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { ResponseMessage } from 'src/common/decorators/response-message.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { DashboardService } from 'src/modules/dashboard/dashboard.service';
import { DashboardStatsResponse } from 'src/modules/dashboard/dto/dashboard-stats.response';

/** §10. The creator's video list is V3. */
@ApiTags('Dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @RequiredAuth()
  @Get('stats')
  @ResponseMessage('Dashboard stats fetched successfully')
  @ApiSuccess({ message: 'Dashboard stats fetched successfully', data: DashboardStatsResponse })
  stats(@CurrentUser() user: AuthPrincipal): Promise<DashboardStatsResponse> {
    return this.dashboard.stats(user.userId);
  }
}
