import { ApiProperty } from '@nestjs/swagger';
import { VideoCardResponse } from 'src/modules/videos/dto/video.response';

/** HistoryItem (§1.12): a VideoCard plus when the caller last watched it. */
export class HistoryItemResponse extends VideoCardResponse {
  @ApiProperty({ format: 'date-time' })
  watchedAt: string;
}
