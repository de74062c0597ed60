import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from 'src/common/events/domain-events';
import { PlaylistsService } from 'src/modules/playlists/playlists.service';

/** A deleted video leaves every playlist. Reads never show a leftover: entries count only when their video exists. */
@Injectable()
export class PlaylistsVideoDeletedListener {
  constructor(private readonly playlists: PlaylistsService) {}

  @OnDomainEvent('video.deleted')
  removeFromPlaylists(event: DomainEvent<'video.deleted'>): Promise<void> {
    return this.playlists.removeDeletedVideo(event.payload.videoId);
  }
}
