import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { Types } from 'mongoose';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { AppConfig } from 'src/config/app-config';
import type { PlaylistRecord } from 'src/modules/playlists/playlist-records.type';
import type { PlaylistsRepository } from 'src/modules/playlists/playlists.repository';
import { PlaylistsService } from 'src/modules/playlists/playlists.service';
import type { SearchPlaylistsQueryDto } from 'src/modules/playlists/dto/search-playlists-query.dto';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import type { UsersService } from 'src/modules/users/users.service';
import type { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';

const OWNER = new Types.ObjectId().toHexString();
const STRANGER = new Types.ObjectId().toHexString();
const PLAYLIST = new Types.ObjectId().toHexString();
const VIDEO = new Types.ObjectId().toHexString();
const MAX = 3;

const OWNER_LITE: OwnerLiteResponse = {
  _id: OWNER,
  username: 'owner',
  name: 'Owner',
  profileImage: 'https://img.test/o.png',
};

function record(videos: string[] = [], overrides: Partial<PlaylistRecord> = {}): PlaylistRecord {
  return {
    _id: new Types.ObjectId(PLAYLIST),
    owner: new Types.ObjectId(OWNER),
    name: 'Warm-ups',
    description: '',
    isPublished: true,
    videos: videos.map((id) => new Types.ObjectId(id)),
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    updatedAt: new Date('2026-01-02T00:00:00.000Z'),
    ...overrides,
  };
}

const ids = (count: number): string[] =>
  Array.from({ length: count }, () => new Types.ObjectId().toHexString());

describe('PlaylistsService', () => {
  let repo: jest.Mocked<
    Pick<
      PlaylistsRepository,
      | 'findVisible'
      | 'appendVideo'
      | 'removeVideo'
      | 'updateOwned'
      | 'deleteOwned'
      | 'searchPublic'
      | 'pullVideoEverywhere'
    >
  >;
  let videos: jest.Mocked<
    Pick<VideoCatalogueService, 'findVisibleOwnerId' | 'visibleThumbnails' | 'cardsInOrder'>
  >;
  let users: jest.Mocked<Pick<UsersService, 'findVisibleUserById' | 'findOwnerLites'>>;
  let sut: PlaylistsService;

  beforeEach(() => {
    repo = {
      findVisible: jest.fn(),
      appendVideo: jest.fn(),
      removeVideo: jest.fn(),
      updateOwned: jest.fn(),
      deleteOwned: jest.fn(),
      searchPublic: jest.fn(),
      pullVideoEverywhere: jest.fn(),
    };
    videos = {
      findVisibleOwnerId: jest.fn(),
      visibleThumbnails: jest.fn(),
      cardsInOrder: jest.fn(),
    };
    users = { findVisibleUserById: jest.fn(), findOwnerLites: jest.fn() };
    users.findVisibleUserById.mockResolvedValue(OWNER_LITE);
    videos.visibleThumbnails.mockImplementation((videoIds) =>
      Promise.resolve(new Map(videoIds.map((id) => [id, `https://thumb.test/${id}`]))),
    );
    sut = new PlaylistsService(
      repo as unknown as PlaylistsRepository,
      videos as unknown as VideoCatalogueService,
      users as unknown as UsersService,
      { playlistMaxVideos: MAX } as AppConfig,
      new CursorPagesService(
        new CursorCodecService({ auth: { accessSecret: 'k'.repeat(40) } } as AppConfig),
      ),
    );
  });

  describe('addVideo', () => {
    it('answers 404 for a playlist the caller cannot see, before anything else', async () => {
      repo.findVisible.mockResolvedValue(null);
      await expect(sut.addVideo(PLAYLIST, VIDEO, OWNER)).rejects.toMatchObject({
        status: 404,
        message: 'Playlist not found',
      });
      expect(videos.findVisibleOwnerId).not.toHaveBeenCalled();
    });

    it('answers 403 for someone else’s visible playlist, before looking at the video', async () => {
      repo.findVisible.mockResolvedValue(record());
      await expect(sut.addVideo(PLAYLIST, VIDEO, STRANGER)).rejects.toMatchObject({
        status: 403,
        message: 'You are not authorized to add videos to this playlist',
      });
      expect(videos.findVisibleOwnerId).not.toHaveBeenCalled();
    });

    it('answers 404 Video not found for a video the caller cannot see, and writes nothing', async () => {
      repo.findVisible.mockResolvedValue(record());
      videos.findVisibleOwnerId.mockResolvedValue(null);
      await expect(sut.addVideo(PLAYLIST, VIDEO, OWNER)).rejects.toMatchObject({
        status: 404,
        message: 'Video not found',
      });
      expect(repo.appendVideo).not.toHaveBeenCalled();
    });

    it('treats a video already present as a no-op', async () => {
      repo.findVisible.mockResolvedValue(record([VIDEO]));
      videos.findVisibleOwnerId.mockResolvedValue(OWNER);
      const result = await sut.addVideo(PLAYLIST, VIDEO, OWNER);
      expect(result.message).toBe('Video is already in the playlist');
      expect(result.data.videos).toEqual([VIDEO]);
      expect(repo.appendVideo).not.toHaveBeenCalled();
    });

    it('refuses a new video when the playlist is full', async () => {
      repo.findVisible.mockResolvedValue(record(ids(MAX)));
      videos.findVisibleOwnerId.mockResolvedValue(OWNER);
      await expect(sut.addVideo(PLAYLIST, VIDEO, OWNER)).rejects.toMatchObject({
        status: 400,
        message: `Playlist cannot contain more than ${MAX} videos`,
      });
      expect(repo.appendVideo).not.toHaveBeenCalled();
    });

    it('appends with one conditional update, re-checks the video and answers the new summary', async () => {
      const before = ids(1);
      repo.findVisible.mockResolvedValue(record(before));
      videos.findVisibleOwnerId.mockResolvedValue(OWNER);
      repo.appendVideo.mockResolvedValue(record([...before, VIDEO]));
      const result = await sut.addVideo(PLAYLIST, VIDEO, OWNER);
      expect(repo.appendVideo).toHaveBeenCalledWith(PLAYLIST, OWNER, VIDEO, MAX);
      expect(videos.findVisibleOwnerId).toHaveBeenCalledTimes(2);
      expect(result).toBeInstanceOf(ApiResult);
      expect(result.message).toBe('Video added to playlist successfully');
      expect(result.data).toMatchObject({
        videos: [...before, VIDEO],
        totalVideos: 2,
        playlistThumbnail: `https://thumb.test/${before[0]}`,
        owner: OWNER_LITE,
      });
    });

    it('removes the entry again and answers 404 when the video vanished while being added', async () => {
      repo.findVisible.mockResolvedValue(record());
      videos.findVisibleOwnerId.mockResolvedValueOnce(OWNER).mockResolvedValueOnce(null);
      repo.appendVideo.mockResolvedValue(record([VIDEO]));
      await expect(sut.addVideo(PLAYLIST, VIDEO, OWNER)).rejects.toMatchObject({
        status: 404,
        message: 'Video not found',
      });
      expect(repo.removeVideo).toHaveBeenCalledWith(PLAYLIST, OWNER, VIDEO);
    });

    it('reads again when the conditional update matched nothing, and answers what it finds', async () => {
      videos.findVisibleOwnerId.mockResolvedValue(OWNER);
      repo.appendVideo.mockResolvedValue(null);
      // A concurrent request added the same video between our read and our update.
      repo.findVisible.mockResolvedValueOnce(record()).mockResolvedValueOnce(record([VIDEO]));
      const same = await sut.addVideo(PLAYLIST, VIDEO, OWNER);
      expect(same.message).toBe('Video is already in the playlist');

      // Another one filled the playlist.
      repo.findVisible.mockResolvedValueOnce(record()).mockResolvedValueOnce(record(ids(MAX)));
      await expect(sut.addVideo(PLAYLIST, VIDEO, OWNER)).rejects.toMatchObject({ status: 400 });

      // Or deleted it.
      repo.findVisible.mockResolvedValueOnce(record()).mockResolvedValueOnce(null);
      await expect(sut.addVideo(PLAYLIST, VIDEO, OWNER)).rejects.toMatchObject({
        status: 404,
        message: 'Playlist not found',
      });
    });
  });

  describe('removeVideo', () => {
    it('answers the playlist without the entry', async () => {
      const [keep] = ids(1);
      repo.findVisible.mockResolvedValue(record([VIDEO, keep]));
      repo.removeVideo.mockResolvedValue(record([keep]));
      const summary = await sut.removeVideo(PLAYLIST, VIDEO, OWNER);
      expect(summary.videos).toEqual([keep]);
    });

    it('answers the unchanged playlist for an absent id, and 404 when it is gone meanwhile', async () => {
      repo.findVisible
        .mockResolvedValueOnce(record([VIDEO]))
        .mockResolvedValueOnce(record([VIDEO]));
      repo.removeVideo.mockResolvedValue(null);
      expect((await sut.removeVideo(PLAYLIST, STRANGER, OWNER)).videos).toEqual([VIDEO]);

      repo.findVisible.mockResolvedValueOnce(record()).mockResolvedValueOnce(null);
      await expect(sut.removeVideo(PLAYLIST, VIDEO, OWNER)).rejects.toMatchObject({ status: 404 });
    });

    it('answers 403 to someone else', async () => {
      repo.findVisible.mockResolvedValue(record());
      await expect(sut.removeVideo(PLAYLIST, VIDEO, STRANGER)).rejects.toMatchObject({
        status: 403,
        message: 'You are not authorized to remove videos from this playlist',
      });
      expect(repo.removeVideo).not.toHaveBeenCalled();
    });
  });

  describe('update and remove', () => {
    it('writes only the given fields and nothing for an empty body', async () => {
      repo.findVisible.mockResolvedValue(record());
      expect((await sut.update(PLAYLIST, OWNER, {})).name).toBe('Warm-ups');
      expect(repo.updateOwned).not.toHaveBeenCalled();

      repo.updateOwned.mockResolvedValue(record([], { isPublished: false }));
      const summary = await sut.update(PLAYLIST, OWNER, { isPublished: false });
      expect(repo.updateOwned).toHaveBeenCalledWith(PLAYLIST, OWNER, { isPublished: false });
      expect(summary.isPublished).toBe(false);
    });

    it('answers 403 to someone else and 404 when a concurrent delete won', async () => {
      repo.findVisible.mockResolvedValue(record());
      await expect(sut.update(PLAYLIST, STRANGER, { name: 'x' })).rejects.toMatchObject({
        status: 403,
        message: 'You are not authorized to update this playlist',
      });
      await expect(sut.remove(PLAYLIST, STRANGER)).rejects.toMatchObject({
        status: 403,
        message: 'You are not authorized to delete this playlist',
      });
      repo.deleteOwned.mockResolvedValue(false);
      await expect(sut.remove(PLAYLIST, OWNER)).rejects.toMatchObject({ status: 404 });
      repo.deleteOwned.mockResolvedValue(true);
      expect(await sut.remove(PLAYLIST, OWNER)).toBeNull();
    });
  });

  describe('reads', () => {
    it('search answers [] for an empty text without a query', async () => {
      const query = { query: '', page: 1, limit: 20 } as SearchPlaylistsQueryDto;
      expect(await sut.search(query, null)).toEqual({ items: [], nextCursor: null });
      expect(repo.searchPublic).not.toHaveBeenCalled();
    });

    it('search decides visibility for the whole page in one videos call', async () => {
      const [a, b, c] = ids(3);
      repo.searchPublic.mockResolvedValue([record([a, b]), record([b, c])]);
      users.findOwnerLites.mockResolvedValue(new Map([[OWNER, OWNER_LITE]]));
      videos.visibleThumbnails.mockResolvedValue(new Map([[c, 'https://thumb.test/c']]));
      const query: SearchPlaylistsQueryDto = { query: 'warm', page: 2, limit: 2 };
      const { items: cards, nextCursor } = await sut.search(query, null);
      expect(repo.searchPublic).toHaveBeenCalledWith('warm', { after: null, skip: 2, take: 3 });
      expect(nextCursor).toBeNull();
      expect(videos.visibleThumbnails).toHaveBeenCalledTimes(1);
      expect(videos.visibleThumbnails).toHaveBeenCalledWith([a, b, c], null);
      expect(cards.map((card) => [card.totalVideos, card.playlistThumbnail])).toEqual([
        [0, null],
        [1, 'https://thumb.test/c'],
      ]);
    });

    it('get answers 404 when the playlist’s owner is not visible', async () => {
      repo.findVisible.mockResolvedValue(record([VIDEO]));
      videos.cardsInOrder.mockResolvedValue({ total: 0, cards: [], alsoOwner: null });
      await expect(sut.getDetail(PLAYLIST, null)).rejects.toMatchObject({
        status: 404,
        message: 'Playlist not found',
      });
      expect(videos.cardsInOrder).toHaveBeenCalledWith([VIDEO], {
        viewerId: null,
        visibility: 'visible',
        alsoOwnerId: OWNER,
      });
    });
  });

  it('pulls a deleted video from every playlist', async () => {
    repo.pullVideoEverywhere.mockResolvedValue(2);
    await sut.removeDeletedVideo(VIDEO);
    expect(repo.pullVideoEverywhere).toHaveBeenCalledWith(VIDEO);
  });
});
