import type { LikeFiguresRecord } from 'src/modules/likes/like-records.type';

/** A target's like figures as every shape that shows likes has them. */
export interface LikeFigures {
  likesCount: number;
  /** The viewer likes the target; false for anonymous viewers. */
  isLiked: boolean;
}

export const NO_LIKES: Readonly<LikeFigures> = Object.freeze({ likesCount: 0, isLiked: false });

export function toLikeFigures(record: LikeFiguresRecord | undefined): LikeFigures {
  return { likesCount: record?.count ?? 0, isLiked: (record?.liked ?? 0) === 1 };
}

/** Grouped rows keyed by target id (string); targets without likes have no row. */
export function toFiguresByTarget(records: LikeFiguresRecord[]): Map<string, LikeFigures> {
  return new Map(records.map((record) => [record._id.toHexString(), toLikeFigures(record)]));
}
