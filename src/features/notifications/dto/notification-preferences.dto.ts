import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsOptional, ValidateNested } from 'class-validator';

/** One type's channels; in-app is the only channel so far. */
export class ChannelPreferenceResponse {
  inApp: boolean;
}

/** A type's new setting. */
export class ChannelPreferenceDto {
  @ApiProperty({ type: Boolean })
  @IsDefined({ message: 'inApp is required' })
  @IsBoolean({ message: 'inApp must be true or false' })
  inApp: boolean;
}

/** `GET /notifications/preferences`: every type, on unless turned off. */
export class NotificationPreferencesResponse {
  @ApiProperty({ type: () => ChannelPreferenceResponse })
  follow: ChannelPreferenceResponse;

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  video_like: ChannelPreferenceResponse;

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  comment_like: ChannelPreferenceResponse;

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  post_like: ChannelPreferenceResponse;

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  video_comment: ChannelPreferenceResponse;

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  post_comment: ChannelPreferenceResponse;

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  comment_reply: ChannelPreferenceResponse;

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  new_video: ChannelPreferenceResponse;
}

/** `PATCH /notifications/preferences`: the types to change; the others stay as they are. */
export class UpdateNotificationPreferencesDto {
  @ApiPropertyOptional({ type: () => ChannelPreferenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferenceDto)
  follow?: ChannelPreferenceDto;

  @ApiPropertyOptional({ type: () => ChannelPreferenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferenceDto)
  video_like?: ChannelPreferenceDto;

  @ApiPropertyOptional({ type: () => ChannelPreferenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferenceDto)
  comment_like?: ChannelPreferenceDto;

  @ApiPropertyOptional({ type: () => ChannelPreferenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferenceDto)
  post_like?: ChannelPreferenceDto;

  @ApiPropertyOptional({ type: () => ChannelPreferenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferenceDto)
  video_comment?: ChannelPreferenceDto;

  @ApiPropertyOptional({ type: () => ChannelPreferenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferenceDto)
  post_comment?: ChannelPreferenceDto;

  @ApiPropertyOptional({ type: () => ChannelPreferenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferenceDto)
  comment_reply?: ChannelPreferenceDto;

  @ApiPropertyOptional({ type: () => ChannelPreferenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelPreferenceDto)
  new_video?: ChannelPreferenceDto;
}
