import { DescriptionField, OptionalTitleField } from 'src/modules/videos/video-fields.decorator';

/**
 * `PATCH /video/:videoId`. Not `PartialType(UploadVideoDto)`: PartialType's `IsOptional` also lets
 * `null` through, which would store a null title; here an absent field is skipped and anything else
 * is checked.
 */
export class UpdateVideoDto {
  @OptionalTitleField()
  title?: string;

  @DescriptionField()
  description?: string;
}
