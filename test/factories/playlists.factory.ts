import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import request from 'supertest';
import { Playlist } from 'src/modules/playlists/schemas/playlist.schema';
import type { TestUser } from 'test/factories/users.factory';
import type { TestApp } from 'test/utils/test-app';

function playlistModel(t: TestApp): Model<Playlist> {
  return t.app.get<Model<Playlist>>(getModelToken(Playlist.name));
}

export interface StoredPlaylistOverrides {
  name?: string;
  description?: string;
  isPublished?: boolean;
  videos?: string[];
  createdAt?: Date;
  updatedAt?: Date;
}

/**
 * A playlist written straight to the collection, for exact timestamps (pagination) or a full
 * playlist (the 500 cap) without 500 requests.
 */
export async function insertPlaylist(
  t: TestApp,
  ownerId: string,
  overrides: StoredPlaylistOverrides = {},
): Promise<string> {
  const createdAt = overrides.createdAt ?? new Date();
  const created = await playlistModel(t).collection.insertOne({
    owner: new Types.ObjectId(ownerId),
    name: overrides.name ?? `Playlist ${new Types.ObjectId().toHexString().slice(-6)}`,
    description: overrides.description ?? '',
    isPublished: overrides.isPublished ?? true,
    videos: (overrides.videos ?? []).map((id) => new Types.ObjectId(id)),
    createdAt,
    updatedAt: overrides.updatedAt ?? createdAt,
  });
  return created.insertedId.toHexString();
}

export interface CreatedPlaylist {
  _id: string;
  name: string;
  isPublished: boolean;
  videos: string[];
  [key: string]: unknown;
}

/** A playlist created through `POST /playlist`, as the API returned it. */
export async function createPlaylist(
  t: TestApp,
  owner: TestUser,
  body: { name?: string; description?: string; isPublished?: boolean } = {},
): Promise<CreatedPlaylist> {
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/playlist')
    .set('Authorization', owner.authHeader)
    .send({ name: body.name ?? 'My playlist', ...body });
  if (res.status !== 201) {
    throw new Error(`playlist create failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return (res.body as { data: CreatedPlaylist }).data;
}

/** The stored entries, in stored order. */
export async function storedPlaylistVideos(t: TestApp, playlistId: string): Promise<string[]> {
  const found = await playlistModel(t).collection.findOne({ _id: new Types.ObjectId(playlistId) });
  const videos = (found?.videos ?? []) as Types.ObjectId[];
  return videos.map((id) => id.toHexString());
}
