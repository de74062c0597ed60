import {
  DescriptionField,
  MultipartIsPublishedField,
  TitleField,
} from 'src/modules/videos/video-fields.decorator';

/** V2's multipart text fields (the files come through `@UploadedMedia`). */
export class UploadVideoDto {
  @TitleField()
  title: string;

  @DescriptionField()
  description?: string;

  @MultipartIsPublishedField()
  isPublished?: boolean;
}
