import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommentsCascadeListener } from 'src/modules/comments/comments-cascade.listener';
import { CommentsController } from 'src/modules/comments/comments.controller';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import { CommentsService } from 'src/modules/comments/comments.service';
import { Comment, CommentSchema } from 'src/modules/comments/schemas/comment.schema';
import { CommunityPostsModule } from 'src/modules/community-posts/community-posts.module';
import { UsersModule } from 'src/modules/users/users.module';
import { VideosModule } from 'src/modules/videos/videos.module';

/**
 * Comments (§6) on videos and community posts. Like figures come through `CommentLikesPort`,
 * bound globally by the likes module (which sits above comments); the likes of deleted comments
 * are removed by the likes module on `CommentsDeletedEvent`.
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: Comment.name, schema: CommentSchema }]),
    UsersModule,
    VideosModule,
    CommunityPostsModule,
  ],
  controllers: [CommentsController],
  providers: [CommentsRepository, CommentsService, CommentsCascadeListener],
  exports: [CommentsService],
})
export class CommentsModule {}
