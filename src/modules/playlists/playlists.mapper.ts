import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { VideoCardResponse } from 'src/modules/videos/dto/video.response';
import type {
  PlaylistCardResponse,
  PlaylistDetailResponse,
  PlaylistSummaryResponse,
} from 'src/modules/playlists/dto/playlist.response';
import type { PlaylistRecord } from 'src/modules/playlists/playlist-records.type';

/** The entries of one playlist that the caller may see, in playlist order. */
export interface VisibleEntries {
  videoIds: string[];
  /** Thumbnail URL of the first visible entry, or null. */
  thumbnail: string | null;
}

/**
 * Keeps the entries whose video is in `thumbnails` (the visible ones), in playlist order;
 * the first of them gives the playlist's thumbnail.
 */
export function visibleEntries(
  playlist: PlaylistRecord,
  thumbnails: ReadonlyMap<string, string>,
): VisibleEntries {
  const videoIds = playlist.videos
    .map((video) => video.toHexString())
    .filter((id) => thumbnails.has(id));
  return {
    videoIds,
    thumbnail: videoIds.length > 0 ? (thumbnails.get(videoIds[0]) ?? null) : null,
  };
}

/** PlaylistCard, fields listed one by one in their documented order. */
export function toPlaylistCard(
  playlist: PlaylistRecord,
  owner: OwnerLiteResponse,
  entries: VisibleEntries,
): PlaylistCardResponse {
  return {
    _id: playlist._id.toHexString(),
    name: playlist.name,
    description: playlist.description ?? '',
    isPublished: playlist.isPublished,
    owner: {
      _id: owner._id,
      username: owner.username,
      name: owner.name,
      profileImage: owner.profileImage,
    },
    totalVideos: entries.videoIds.length,
    playlistThumbnail: entries.thumbnail,
    createdAt: playlist.createdAt.toISOString(),
    updatedAt: playlist.updatedAt.toISOString(),
  };
}

export function toPlaylistSummary(
  playlist: PlaylistRecord,
  owner: OwnerLiteResponse,
  entries: VisibleEntries,
): PlaylistSummaryResponse {
  return { ...toPlaylistCard(playlist, owner, entries), videos: entries.videoIds };
}

/** PlaylistDetail: `cards` are the visible entries already in playlist order. */
export function toPlaylistDetail(
  playlist: PlaylistRecord,
  owner: OwnerLiteResponse,
  cards: VideoCardResponse[],
): PlaylistDetailResponse {
  const entries: VisibleEntries = {
    videoIds: cards.map((card) => card._id),
    thumbnail: cards[0]?.thumbnail.url ?? null,
  };
  return { ...toPlaylistCard(playlist, owner, entries), videos: cards };
}
