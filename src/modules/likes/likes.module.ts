import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommentsModule } from 'src/modules/comments/comments.module';
import { CommentLikesPort } from 'src/modules/comments/ports/comment-likes.port';
import { CommunityPostsModule } from 'src/modules/community-posts/community-posts.module';
import { PostLikesPort } from 'src/modules/community-posts/ports/post-likes.port';
import { CommentLikesAdapter } from 'src/modules/likes/adapters/comment-likes.adapter';
import { PostLikesAdapter } from 'src/modules/likes/adapters/post-likes.adapter';
import { VideoLikesAdapter } from 'src/modules/likes/adapters/video-likes.adapter';
import { LikesCascadeListener } from 'src/modules/likes/likes-cascade.listener';
import { LikesController } from 'src/modules/likes/likes.controller';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import { LikesService } from 'src/modules/likes/likes.service';
import { Like, LikeSchema } from 'src/modules/likes/schemas/like.schema';
import { VideoLikesPort } from 'src/modules/videos/ports/video-likes.port';
import { VideosModule } from 'src/modules/videos/videos.module';

/**
 * Likes (§5) sit above the things they like: L1–L3 check videos, comments and posts through
 * their services. Those modules need like figures in turn, so each declares a port and this
 * module binds them globally (`@Global()`), the pattern `VideoLikesPort` prescribes; nothing
 * imports this module back, so there is no cycle.
 */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([{ name: Like.name, schema: LikeSchema }]),
    VideosModule,
    CommentsModule,
    CommunityPostsModule,
  ],
  controllers: [LikesController],
  providers: [
    LikesRepository,
    LikesService,
    LikesCascadeListener,
    VideoLikesAdapter,
    CommentLikesAdapter,
    PostLikesAdapter,
    { provide: VideoLikesPort, useExisting: VideoLikesAdapter },
    { provide: CommentLikesPort, useExisting: CommentLikesAdapter },
    { provide: PostLikesPort, useExisting: PostLikesAdapter },
  ],
  exports: [VideoLikesPort, CommentLikesPort, PostLikesPort, LikesService],
})
export class LikesModule {}
