import type { Types } from 'mongoose';
import type { LikeTargetType } from 'src/modules/likes/schemas/like.schema';

/** Identifies one user's like of one target: the unique key of the likes collection. */
export interface LikeKey {
  targetType: LikeTargetType;
  targetId: string;
  userId: string;
}

/** The number of likes of one target, from one grouped query. */
export interface LikeCountRecord {
  _id: Types.ObjectId;
  count: number;
}

/** For the liked-videos list: a liked video and when it was liked. */
export interface LikedTargetRecord {
  _id: Types.ObjectId;
  target: Types.ObjectId;
  createdAt: Date;
}
