import { IsObjectId } from 'src/common/validation/rules.util';

/** Path `:id`-style parameters; a malformed id is 400 INVALID_ID before any query runs. */
export class VideoIdParamDto {
  @IsObjectId()
  videoId: string;
}

export class UserIdParamDto {
  @IsObjectId()
  userId: string;
}

export class CommentIdParamDto {
  @IsObjectId()
  commentId: string;
}

export class PostIdParamDto {
  @IsObjectId()
  postId: string;
}

export class PlaylistIdParamDto {
  @IsObjectId()
  playlistId: string;
}

export class PlaylistVideoParamDto {
  @IsObjectId()
  playlistId: string;

  @IsObjectId()
  videoId: string;
}
