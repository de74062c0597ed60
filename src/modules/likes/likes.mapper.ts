/** A target's like figures as every shape that shows likes has them. */
export interface LikeFigures {
  likesCount: number;
  /** The viewer likes the target; false for anonymous viewers. */
  isLiked: boolean;
}

export const NO_LIKES: Readonly<LikeFigures> = Object.freeze({ likesCount: 0, isLiked: false });
