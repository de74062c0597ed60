import { JsonIsPublishedField } from 'src/modules/videos/video-fields.decorator';

/** `PATCH /video/publish-status/:videoId`: no body toggles; `{isPublished}` sets. */
export class PublishStatusDto {
  @JsonIsPublishedField()
  isPublished?: boolean;
}
