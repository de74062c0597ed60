import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { IsBoolean, IsDefined, IsObject, ValidateNested } from 'class-validator';
import { WhenGiven } from 'src/common/validation/rules.util';

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

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  video_ready: ChannelPreferenceResponse;

  @ApiProperty({ type: () => ChannelPreferenceResponse })
  video_processing_failed: ChannelPreferenceResponse;
}

/** A type in the update: absent leaves it; anything sent (`null` included) must be `{ inApp }`. */
function ChannelPreferenceField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: () => ChannelPreferenceDto }),
    WhenGiven(),
    IsObject({ message: '$property must be an object' }),
    ValidateNested(),
    Type(() => ChannelPreferenceDto),
  );
}

/** `PATCH /notifications/preferences`: the types to change; the others stay as they are. */
export class UpdateNotificationPreferencesDto {
  @ChannelPreferenceField()
  follow?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  video_like?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  comment_like?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  post_like?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  video_comment?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  post_comment?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  comment_reply?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  new_video?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  video_ready?: ChannelPreferenceDto;

  @ChannelPreferenceField()
  video_processing_failed?: ChannelPreferenceDto;
}
