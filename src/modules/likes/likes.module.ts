import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import { LikesService } from 'src/modules/likes/likes.service';
import { Like, LikeSchema } from 'src/modules/likes/schemas/like.schema';

/**
 * The likes store, below the things that are liked: videos, comments and posts read their like
 * figures from it and remove their likes when deleted. The like endpoints live in the engagement
 * feature (src/features/engagement), which checks the target before toggling.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: Like.name, schema: LikeSchema }])],
  providers: [LikesRepository, LikesService],
  exports: [LikesService],
})
export class LikesModule {}
