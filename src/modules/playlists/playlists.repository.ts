import { keysetAfter } from 'src/common/database/keyset.util';
import type { PageWindow } from 'src/common/pagination/cursor-pages.service';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import { containsLiteral } from 'src/common/database/literal-match.util';
import { nextVersion } from 'src/common/database/version.util';
import type {
  NewPlaylist,
  PlaylistChanges,
  PlaylistRecord,
} from 'src/modules/playlists/playlist-records.type';
import { Playlist } from 'src/modules/playlists/schemas/playlist.schema';

const RECORD_PROJECTION = { __v: 0 } as const;
const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

@Injectable()
export class PlaylistsRepository {
  constructor(@InjectModel(Playlist.name) private readonly playlists: Model<Playlist>) {}

  async create(playlist: NewPlaylist): Promise<PlaylistRecord> {
    const created = await this.playlists.create({
      owner: oid(playlist.owner),
      name: playlist.name,
      description: playlist.description,
      isPublished: playlist.isPublished,
      videos: [],
    });
    return created.toObject<PlaylistRecord>();
  }

  /**
   * Single-playlist routes: the playlist if the caller may see it (public, or theirs); visibility
   * is in the query.
   */
  findVisible(playlistId: string, viewerId: string | null): Promise<PlaylistRecord | null> {
    const visibility: QueryFilter<Playlist>[] = [{ isPublished: true }];
    if (viewerId !== null) visibility.push({ owner: oid(viewerId) });
    return this.playlists
      .findOne({ _id: oid(playlistId), $or: visibility })
      .select(RECORD_PROJECTION)
      .lean<PlaylistRecord>()
      .exec();
  }

  /** `GET /playlist/me`: all of the owner's playlists, newest first. */
  findOwnedPage(ownerId: string, window: PageWindow): Promise<PlaylistRecord[]> {
    const owner = { owner: oid(ownerId) };
    return this.playlists
      .find(
        window.after === null ? owner : { ...owner, ...keysetAfter('createdAt', -1, window.after) },
      )
      .select(RECORD_PROJECTION)
      .sort(NEWEST_FIRST)
      .skip(window.skip)
      .limit(window.take)
      .lean<PlaylistRecord[]>()
      .exec();
  }

  countOwned(ownerId: string): Promise<number> {
    return this.playlists.countDocuments({ owner: oid(ownerId) }).exec();
  }

  /** `GET /playlist/user/:userId`: the owner's public playlists, newest first. */
  findPublicOfOwnerPage(ownerId: string, window: PageWindow): Promise<PlaylistRecord[]> {
    const filter = { owner: oid(ownerId), isPublished: true };
    return this.playlists
      .find(
        window.after === null
          ? filter
          : { ...filter, ...keysetAfter('createdAt', -1, window.after) },
      )
      .select(RECORD_PROJECTION)
      .sort(NEWEST_FIRST)
      .skip(window.skip)
      .limit(window.take)
      .lean<PlaylistRecord[]>()
      .exec();
  }

  /**
   * `GET /playlist/search`: public playlists whose name contains `text` literally, most recently
   * changed first.
   */
  searchPublic(text: string, window: PageWindow): Promise<PlaylistRecord[]> {
    const filter = { isPublished: true, name: containsLiteral(text) };
    return this.playlists
      .find(
        window.after === null
          ? filter
          : { ...filter, ...keysetAfter('updatedAt', -1, window.after) },
      )
      .select(RECORD_PROJECTION)
      .sort({ updatedAt: -1, _id: -1 })
      .skip(window.skip)
      .limit(window.take)
      .lean<PlaylistRecord[]>()
      .exec();
  }

  /** Update: `$set` of the given fields only, so a concurrent entry change is never overwritten. */
  updateOwned(
    playlistId: string,
    ownerId: string,
    changes: PlaylistChanges,
  ): Promise<PlaylistRecord | null> {
    return this.playlists
      .findOneAndUpdate(
        { _id: oid(playlistId), owner: oid(ownerId) },
        { $set: changes },
        { returnDocument: 'after', projection: RECORD_PROJECTION },
      )
      .lean<PlaylistRecord>()
      .exec();
  }

  /**
   * The same write with `If-Match` (docs/api.md#caching): only while the playlist is still at
   * `version` (its `updatedAt` when the precondition was checked), in one atomic step; the new
   * `updatedAt` is later than `version` (`nextVersion`). Null when gone, not the owner's, or at
   * another version.
   */
  updateOwnedAtVersion(
    playlistId: string,
    ownerId: string,
    changes: PlaylistChanges,
    version: Date,
  ): Promise<PlaylistRecord | null> {
    return this.playlists
      .findOneAndUpdate(
        { _id: oid(playlistId), owner: oid(ownerId), updatedAt: version },
        { $set: { ...changes, updatedAt: nextVersion(version) } },
        { returnDocument: 'after', projection: RECORD_PROJECTION, timestamps: false },
      )
      .lean<PlaylistRecord>()
      .exec();
  }

  /** Delete. False when it was already gone. */
  async deleteOwned(playlistId: string, ownerId: string): Promise<boolean> {
    const result = await this.playlists
      .deleteOne({ _id: oid(playlistId), owner: oid(ownerId) })
      .exec();
    return result.deletedCount === 1;
  }

  /**
   * Adding a video, one atomic conditional update: appends `videoId` only while the playlist does
   * not hold it and holds fewer than `maxVideos` entries (`videos.<max-1>` does not exist).
   * Concurrent additions of the same video therefore leave exactly one entry, and the cap holds
   * under concurrency. Null when nothing matched; the caller reads the playlist again to say why.
   */
  appendVideo(
    playlistId: string,
    ownerId: string,
    videoId: string,
    maxVideos: number,
  ): Promise<PlaylistRecord | null> {
    return this.playlists
      .findOneAndUpdate(
        {
          _id: oid(playlistId),
          owner: oid(ownerId),
          videos: { $ne: oid(videoId) },
          [`videos.${maxVideos - 1}`]: { $exists: false },
        },
        { $push: { videos: oid(videoId) } },
        { returnDocument: 'after', projection: RECORD_PROJECTION },
      )
      .lean<PlaylistRecord>()
      .exec();
  }

  /**
   * Removing a video, and an add's undo when the video vanished while it was being added. Matches
   * only while the entry is there, so removing an absent id changes nothing (not even `updatedAt`).
   * Null when nothing matched.
   */
  removeVideo(
    playlistId: string,
    ownerId: string,
    videoId: string,
  ): Promise<PlaylistRecord | null> {
    return this.playlists
      .findOneAndUpdate(
        { _id: oid(playlistId), owner: oid(ownerId), videos: oid(videoId) },
        { $pull: { videos: oid(videoId) } },
        { returnDocument: 'after', projection: RECORD_PROJECTION },
      )
      .lean<PlaylistRecord>()
      .exec();
  }

  /**
   * Video-delete cascade (served by the `{videos: 1}` index); idempotent. `updatedAt` stays: the
   * owners did not edit their playlists, and the search's "recently changed" order should not say
   * so.
   */
  async pullVideoEverywhere(videoId: string): Promise<number> {
    const result = await this.playlists
      .updateMany(
        { videos: oid(videoId) },
        { $pull: { videos: oid(videoId) } },
        { timestamps: false },
      )
      .exec();
    return result.modifiedCount;
  }
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}
