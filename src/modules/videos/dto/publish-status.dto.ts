import { JsonIsPublishedField } from 'src/modules/videos/video-fields.decorator';

/** V8: no body toggles; `{isPublished}` sets. */
export class PublishStatusDto {
  @JsonIsPublishedField()
  isPublished?: boolean;
}
