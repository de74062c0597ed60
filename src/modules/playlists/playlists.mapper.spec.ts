import { Types } from 'mongoose';
import type { PlaylistRecord } from 'src/modules/playlists/playlist-records.type';
import { toPlaylistSummary, visibleEntries } from 'src/modules/playlists/playlists.mapper';

const [A, B, C] = Array.from({ length: 3 }, () => new Types.ObjectId().toHexString());

function record(videos: string[]): PlaylistRecord {
  return {
    _id: new Types.ObjectId(),
    owner: new Types.ObjectId(),
    name: 'n',
    description: 'd',
    isPublished: true,
    videos: videos.map((id) => new Types.ObjectId(id)),
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    updatedAt: new Date('2026-01-02T00:00:00.000Z'),
  };
}

describe('playlists mapper', () => {
  it('keeps the visible entries in playlist order, the first giving the thumbnail', () => {
    const thumbnails = new Map([
      [C, 'https://t/c'],
      [B, 'https://t/b'],
    ]);
    expect(visibleEntries(record([A, B, C]), thumbnails)).toEqual({
      videoIds: [B, C],
      thumbnail: 'https://t/b',
    });
    expect(visibleEntries(record([A]), thumbnails)).toEqual({ videoIds: [], thumbnail: null });
  });

  it('builds a summary with exactly the documented keys, in order', () => {
    const playlist = record([A]);
    const owner = { _id: 'o', username: 'u', name: 'N', profileImage: 'https://p' };
    const summary = toPlaylistSummary(playlist, owner, { videoIds: [A], thumbnail: 'https://t/a' });
    expect(Object.keys(summary)).toEqual([
      '_id',
      'name',
      'description',
      'isPublished',
      'owner',
      'totalVideos',
      'playlistThumbnail',
      'createdAt',
      'updatedAt',
      'videos',
    ]);
    expect(summary).toMatchObject({
      _id: playlist._id.toHexString(),
      totalVideos: 1,
      playlistThumbnail: 'https://t/a',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      videos: [A],
    });
  });
});
