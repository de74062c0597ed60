import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { CommentCountersService } from 'src/modules/comments/comment-counters.service';
import { CommentCounterRepairService } from 'src/modules/comments/comment-counter-repair.service';
import { CommentsCascadeListener } from 'src/modules/comments/comments-cascade.listener';
import { CommentsController } from 'src/modules/comments/comments.controller';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import { CommentsService } from 'src/modules/comments/comments.service';
import { Comment, CommentSchema } from 'src/modules/comments/schemas/comment.schema';
import { CommunityPostsModule } from 'src/modules/community-posts/community-posts.module';
import { LikesModule } from 'src/modules/likes/likes.module';
import { UsersModule } from 'src/modules/users/users.module';
import { VideosModule } from 'src/modules/videos/videos.module';

/**
 * Comments on videos and community posts: above both (a comment is visible when its parent is)
 * and above likes (their figures, and the likes they remove when deleted). A deleted video or
 * post takes its comments along through the domain events.
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: Comment.name, schema: CommentSchema }]),
    UsersModule,
    VideosModule,
    CommunityPostsModule,
    LikesModule,
  ],
  controllers: [CommentsController],
  providers: [
    CommentsRepository,
    CommentsService,
    CommentCountersService,
    CommentsCascadeListener,
    CursorCodecService,
    CursorPagesService,
    CommentCounterRepairService,
  ],
  exports: [CommentsService, CommentCountersService, CommentCounterRepairService],
})
export class CommentsModule {}
