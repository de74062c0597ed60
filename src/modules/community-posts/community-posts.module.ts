import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommunityPostsController } from 'src/modules/community-posts/community-posts.controller';
import { CommunityPostsRepository } from 'src/modules/community-posts/community-posts.repository';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import {
  CommunityPost,
  CommunityPostSchema,
} from 'src/modules/community-posts/schemas/community-post.schema';
import { UsersModule } from 'src/modules/users/users.module';

/**
 * Community posts (§8). Their like figures come through `PostLikesPort`, bound globally by the
 * likes module (which sits above posts); their dependents are removed by the likes and comments
 * modules on `CommunityPostDeletedEvent`.
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: CommunityPost.name, schema: CommunityPostSchema }]),
    UsersModule,
  ],
  controllers: [CommunityPostsController],
  providers: [CommunityPostsRepository, CommunityPostsService],
  exports: [CommunityPostsService],
})
export class CommunityPostsModule {}
