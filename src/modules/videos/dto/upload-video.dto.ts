import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsObjectId, OBJECT_ID_PATTERN } from 'src/common/validation/rules.util';
import {
  DescriptionField,
  MultipartIsPublishedField,
  TitleField,
} from 'src/modules/videos/video-fields.decorator';

/** The multipart text fields of `POST /video` (the files come through `@UploadedMedia`). */
export class UploadVideoDto {
  @TitleField()
  title: string;

  @DescriptionField()
  description?: string;

  @MultipartIsPublishedField()
  isPublished?: boolean;

  /**
   * A finished resumable upload of the caller (docs/api.md#resumable-uploads), instead of the
   * `video` file.
   */
  @ApiPropertyOptional({
    type: 'string',
    pattern: OBJECT_ID_PATTERN,
    description: 'A finished tus upload of the caller, sent instead of the `video` file',
  })
  @IsOptional()
  @IsObjectId()
  uploadId?: string;
}
