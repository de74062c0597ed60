import { Injectable } from '@nestjs/common';
import { firstJoined, type JoinedFigure } from 'src/common/database/joined-figure.type';
import type { LikeFiguresRecord } from 'src/modules/likes/like-records.type';
import { type LikeFigures, toFiguresByTarget, toLikeFigures } from 'src/modules/likes/likes.mapper';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import { VideoLikesPort } from 'src/modules/videos/ports/video-likes.port';

/** VideoCards everywhere (V1, V3, V4, U7, L4, playlists) get their like figures from here: one query per kind per page. */
@Injectable()
export class VideoLikesAdapter implements VideoLikesPort {
  constructor(private readonly likes: LikesRepository) {}

  async countsFor(videoIds: string[]): Promise<Map<string, number>> {
    if (videoIds.length === 0) return new Map();
    const rows = await this.likes.figuresFor('video', videoIds, null);
    return new Map(rows.map((row) => [row._id.toHexString(), row.count]));
  }

  async figuresFor(videoIds: string[], viewerId: string | null): Promise<Map<string, LikeFigures>> {
    if (videoIds.length === 0) return new Map();
    return toFiguresByTarget(await this.likes.figuresFor('video', videoIds, viewerId));
  }

  figuresJoin(videoId: string, viewerId: string | null, as: string): JoinedFigure<LikeFigures> {
    return {
      stage: this.likes.figuresLookup('video', videoId, viewerId, as),
      read: (joined) => toLikeFigures(firstJoined<LikeFiguresRecord>(joined, as)),
    };
  }
}
