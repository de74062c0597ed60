import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommunityPostCountersService } from 'src/modules/community-posts/community-post-counters.service';
import { CommunityPostsController } from 'src/modules/community-posts/community-posts.controller';
import { CommunityPostsRepository } from 'src/modules/community-posts/community-posts.repository';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import {
  CommunityPost,
  CommunityPostSchema,
} from 'src/modules/community-posts/schemas/community-post.schema';
import { PostCounterRepairService } from 'src/modules/community-posts/post-counter-repair.service';
import { LikesModule } from 'src/modules/likes/likes.module';
import { UsersModule } from 'src/modules/users/users.module';

/**
 * Community posts and their counters: above users and likes (whether a viewer likes a post, the
 * like events that keep `likesCount`, and the likes they remove when deleted); comments remove
 * theirs on the `community-post.deleted` event.
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: CommunityPost.name, schema: CommunityPostSchema }]),
    UsersModule,
    LikesModule,
  ],
  controllers: [CommunityPostsController],
  providers: [
    CursorCodecService,
    CursorPagesService,
    CommunityPostsRepository,
    CommunityPostsService,
    CommunityPostCountersService,
    PostCounterRepairService,
  ],
  exports: [CommunityPostsService, CommunityPostCountersService, PostCounterRepairService],
})
export class CommunityPostsModule {}
