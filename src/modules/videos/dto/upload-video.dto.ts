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
}
