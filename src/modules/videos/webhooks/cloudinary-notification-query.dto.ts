import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { IsObjectId, OBJECT_ID_PATTERN } from 'src/common/validation/rules.util';

/** The run a Cloudinary notification settles: the query of the URL the run gave Cloudinary. */
export class CloudinaryNotificationQueryDto {
  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'The video being processed' })
  @IsOptional()
  @IsObjectId()
  video?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The processing run that asked' })
  @IsOptional()
  @IsUUID('all', { message: 'run must be a UUID' })
  run?: string;
}
