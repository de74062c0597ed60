/**
 * OpenAPI links: which operation's success response supplies the parameters of which other
 * operation, keyed by operationId (`<Controller>_<handler>_v1`). Clients read them as "what can
 * I do next with this id"; API fuzzers (schemathesis' stateful phase and its ordering of the
 * other phases) follow them to reach routes that need a real id instead of guessing ObjectIds
 * and seeing only 404. `completeOperations` attaches each entry to the operation's 2xx response
 * and refuses an unknown operationId or parameter, so a renamed handler breaks the build of the
 * document, not the fuzzing silently.
 *
 * Values are OpenAPI runtime expressions: `$response.body#/…` reads the answer (inside the
 * envelope, so under `/data`), `$request.path.…` / `$request.body#/…` the request that got it.
 */
export type OperationLinks = Record<string, Record<string, string>>;

const ID = '$response.body#/data/_id';

/** The routes that read a user by `_id` or `username`, from a user object at `pointer`. */
function userRoutes(pointer: string): OperationLinks {
  const userId = `$response.body#${pointer}/_id`;
  return {
    UsersController_profile_v1: { username: `$response.body#${pointer}/username` },
    FollowsController_followers_v1: { userId },
    FollowsController_following_v1: { userId },
    PlaylistsController_listOfUser_v1: { userId },
    CommunityPostsController_listByUser_v1: { userId },
    VideosController_list_v1: { userId },
  };
}

/**
 * The routes that take a `videoId`: under `/video`, the video comments, the video like (toggle and
 * state) and a playlist's entries.
 */
function videoRoutes(videoId: string): OperationLinks {
  return {
    VideosController_get_v1: { videoId },
    VideosController_update_v1: { videoId },
    VideosController_remove_v1: { videoId },
    VideosController_replaceThumbnail_v1: { videoId },
    VideosController_setPublishStatus_v1: { videoId },
    CommentsController_listForVideo_v1: { videoId },
    CommentsController_addToVideo_v1: { videoId },
    LikesController_toggleVideoLike_v1: { videoId },
    LikesController_likeVideo_v1: { videoId },
    LikesController_unlikeVideo_v1: { videoId },
    PlaylistsController_addVideo_v1: { videoId },
    PlaylistsController_removeVideo_v1: { videoId },
  };
}

function playlistRoutes(playlistId: string): OperationLinks {
  return {
    PlaylistsController_get_v1: { playlistId },
    PlaylistsController_update_v1: { playlistId },
    PlaylistsController_remove_v1: { playlistId },
    PlaylistsController_addVideo_v1: { playlistId },
    PlaylistsController_removeVideo_v1: { playlistId },
  };
}

function postRoutes(postId: string): OperationLinks {
  return {
    CommunityPostsController_update_v1: { postId },
    CommunityPostsController_remove_v1: { postId },
    LikesController_toggleCommunityPostLike_v1: { postId },
    LikesController_likeCommunityPost_v1: { postId },
    LikesController_unlikeCommunityPost_v1: { postId },
    CommentsController_listForPost_v1: { postId },
    CommentsController_addToPost_v1: { postId },
  };
}

function commentRoutes(commentId: string): OperationLinks {
  return {
    CommentsController_update_v1: { commentId },
    CommentsController_remove_v1: { commentId },
    LikesController_toggleCommentLike_v1: { commentId },
    LikesController_likeComment_v1: { commentId },
    LikesController_unlikeComment_v1: { commentId },
  };
}

const FIRST_DOC = '/data/docs/0';
const FIRST_ITEM = '/data/0';

export const OPENAPI_LINKS: Record<string, OperationLinks> = {
  // Accounts: who the caller is leads to the public views of that user.
  AuthController_register_v1: {
    AuthController_checkUsername_v1: { username: '$request.body#/username' },
    UsersController_profile_v1: { username: '$request.body#/username' },
  },
  AuthController_login_v1: userRoutes('/data'),
  AuthController_me_v1: userRoutes('/data'),
  UsersController_updateName_v1: userRoutes('/data'),
  UsersController_updateBio_v1: userRoutes('/data'),
  UsersController_search_v1: userRoutes(FIRST_ITEM),
  UsersController_profile_v1: {
    FollowsController_followers_v1: { userId: ID },
    FollowsController_following_v1: { userId: ID },
    PlaylistsController_listOfUser_v1: { userId: ID },
    CommunityPostsController_listByUser_v1: { userId: ID },
    VideosController_list_v1: { userId: ID },
  },

  // Videos: an upload is the one source of real video ids.
  VideosController_upload_v1: { ...videoRoutes(ID), ...userRoutes('/data/owner') },
  VideosController_get_v1: { ...videoRoutes(ID), ...userRoutes('/data/owner') },
  VideosController_update_v1: videoRoutes(ID),
  VideosController_replaceThumbnail_v1: videoRoutes(ID),
  VideosController_setPublishStatus_v1: videoRoutes('$response.body#/data/videoId'),
  // After a deletion every route on the id must answer 404.
  VideosController_remove_v1: videoRoutes('$response.body#/data/deletedVideoId'),
  VideosController_list_v1: {
    ...videoRoutes(`$response.body#${FIRST_DOC}/_id`),
    ...userRoutes(`${FIRST_DOC}/owner`),
  },
  VideosController_listMine_v1: videoRoutes(`$response.body#${FIRST_DOC}/_id`),
  LikesController_likedVideos_v1: videoRoutes(`$response.body#${FIRST_ITEM}/_id`),
  WatchHistoryController_list_v1: videoRoutes(`$response.body#${FIRST_DOC}/_id`),
  FeedController_videos_v1: {
    ...videoRoutes(`$response.body#${FIRST_DOC}/_id`),
    ...userRoutes(`${FIRST_DOC}/owner`),
  },

  // Comments.
  CommentsController_addToVideo_v1: {
    ...commentRoutes(ID),
    CommentsController_listForVideo_v1: { videoId: '$response.body#/data/video' },
  },
  CommentsController_addToPost_v1: {
    ...commentRoutes(ID),
    CommentsController_listForPost_v1: { postId: '$response.body#/data/communityPost' },
  },
  CommentsController_update_v1: commentRoutes(ID),
  CommentsController_remove_v1: commentRoutes('$request.path.commentId'),
  CommentsController_listForVideo_v1: commentRoutes(`$response.body#${FIRST_DOC}/_id`),
  CommentsController_listForPost_v1: commentRoutes(`$response.body#${FIRST_DOC}/_id`),

  // Community posts.
  CommunityPostsController_create_v1: { ...postRoutes(ID), ...userRoutes('/data/owner') },
  CommunityPostsController_update_v1: postRoutes(ID),
  CommunityPostsController_remove_v1: postRoutes('$request.path.postId'),
  CommunityPostsController_feed_v1: {
    ...postRoutes(`$response.body#${FIRST_DOC}/_id`),
    ...userRoutes(`${FIRST_DOC}/owner`),
  },
  CommunityPostsController_listByUser_v1: postRoutes(`$response.body#${FIRST_DOC}/_id`),

  // Playlists.
  PlaylistsController_create_v1: { ...playlistRoutes(ID), ...userRoutes('/data/owner') },
  PlaylistsController_update_v1: playlistRoutes(ID),
  PlaylistsController_get_v1: playlistRoutes(ID),
  PlaylistsController_remove_v1: playlistRoutes('$request.path.playlistId'),
  PlaylistsController_addVideo_v1: {
    ...playlistRoutes(ID),
    PlaylistsController_removeVideo_v1: {
      playlistId: ID,
      videoId: '$request.path.videoId',
    },
  },
  PlaylistsController_removeVideo_v1: playlistRoutes(ID),
  PlaylistsController_listMine_v1: playlistRoutes(`$response.body#${FIRST_DOC}/_id`),
  PlaylistsController_search_v1: {
    ...playlistRoutes(`$response.body#${FIRST_ITEM}/_id`),
    ...userRoutes(`${FIRST_ITEM}/owner`),
  },
  PlaylistsController_listOfUser_v1: playlistRoutes(`$response.body#${FIRST_ITEM}/_id`),
};
