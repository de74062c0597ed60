import { ApiProperty } from '@nestjs/swagger';
import { VideoCardResponse } from 'src/modules/videos/dto/video.response';

/** A history entry: a VideoCard plus when the caller last watched it. */
export class HistoryItemResponse extends VideoCardResponse {
  @ApiProperty({ format: 'date-time' })
  watchedAt: string;
}
