import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PlaylistsService } from 'src/modules/playlists/playlists.service';
import { VideoDeletedEvent } from 'src/modules/videos/events/video-deleted.event';

/**
 * V6 cascade: a deleted video leaves every playlist (I-5). Errors are not suppressed, so the
 * videos service logs a failed step with the video and owner ids; reads never show the leftover
 * anyway, because entries count only when their video exists.
 */
@Injectable()
export class PlaylistsVideoDeletedListener {
  constructor(private readonly playlists: PlaylistsService) {}

  @OnEvent(VideoDeletedEvent.eventName, { suppressErrors: false })
  removeFromPlaylists(event: VideoDeletedEvent): Promise<void> {
    return this.playlists.removeDeletedVideo(event.videoId);
  }
}
