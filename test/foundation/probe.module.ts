import { Body, Controller, Get, HttpCode, Module, Param, Patch, Post, Query } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Connection } from 'mongoose';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import {
  GuestOnly,
  OptionalAuth,
  Public,
  RequiredAuth,
} from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import { PaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { Required } from 'src/common/validation/rules.util';
import { Trim } from 'src/common/validation/transforms.util';

export class ProbeBodyDto {
  @Trim()
  @Required('Title is required')
  @IsString({ message: 'title must be a string' })
  @MaxLength(10, { message: 'Title must be at most 10 characters' })
  title: string;

  @IsOptional()
  @IsBoolean({ message: 'isPublished must be a boolean' })
  isPublished?: boolean;
}

/**
 * A test-only controller that exercises the cross-cutting pipeline (envelope, validation, body
 * handling, error mapping, auth modes) without depending on any domain module.
 */
@Controller('probe')
export class ProbeController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Public()
  @Get('data')
  @Endpoint({ message: 'Probe fetched', data: { type: 'object' } })
  data(@Query() query: PaginationQueryDto): { page: number; limit: number } {
    return { page: query.page, limit: query.limit };
  }

  @Public()
  @Get('null')
  @Endpoint({ message: 'Nothing here', data: null })
  nothing(): null {
    return null;
  }

  @Public()
  @Post('body')
  @Endpoint({ status: 201, message: 'Body accepted', data: ProbeBodyDto })
  body(@Body() body: ProbeBodyDto): ProbeBodyDto {
    return body;
  }

  @Public()
  @Post('bodyless')
  @HttpCode(200)
  bodyless(): ApiResult<null> {
    return new ApiResult('Toggled', null);
  }

  @Public()
  @Get('ids/:playlistId/videos/:videoId')
  ids(
    @Param('playlistId') playlistId: string,
    @Param('videoId') videoId: string,
  ): { playlistId: string; videoId: string } {
    return { playlistId, videoId };
  }

  @Public()
  @Patch('items/:itemId')
  @HttpCode(200)
  patchItem(
    @Body() body: ProbeBodyDto,
    @Param('itemId') itemId: string,
  ): { itemId: string; title: string } {
    return { itemId, title: body.title };
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('secret internal detail at /srv/app/db.ts');
  }

  @Public()
  @Post('duplicate')
  async duplicate(): Promise<null> {
    const collection = this.connection.collection('probe_unique');
    await collection.createIndex({ key: 1 }, { unique: true, name: 'probe_key_unique' });
    await collection.insertOne({ key: 'same' });
    await collection.insertOne({ key: 'same' });
    return null;
  }

  @Public()
  @Get('db')
  async db(): Promise<number> {
    return this.connection.collection('probe_unique').countDocuments();
  }

  @GuestOnly()
  @Get('guest')
  guest(): string {
    return 'guest';
  }

  @OptionalAuth()
  @Get('optional')
  optional(@CurrentViewer() viewer: AuthPrincipal | null): string | null {
    return viewer?.userId ?? null;
  }

  @RequiredAuth()
  @Get('required')
  required(@CurrentUser() user: AuthPrincipal): string {
    return user.userId;
  }

  @Get('undeclared')
  undeclared(): string {
    return 'reached';
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
