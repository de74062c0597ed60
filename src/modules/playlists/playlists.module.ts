import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PlaylistsController } from 'src/modules/playlists/playlists.controller';
import { PlaylistsRepository } from 'src/modules/playlists/playlists.repository';
import { PlaylistsService } from 'src/modules/playlists/playlists.service';
import { Playlist, PlaylistSchema } from 'src/modules/playlists/schemas/playlist.schema';
import { PlaylistsVideoDeletedListener } from 'src/modules/playlists/video-deleted.listener';
import { UsersModule } from 'src/modules/users/users.module';
import { VideosModule } from 'src/modules/videos/videos.module';

/** Playlists. Above videos and users; a deleted video reaches it as an event. */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: Playlist.name, schema: PlaylistSchema }]),
    UsersModule,
    VideosModule,
  ],
  controllers: [PlaylistsController],
  providers: [
    CursorCodecService,
    CursorPagesService,
    PlaylistsRepository,
    PlaylistsService,
    PlaylistsVideoDeletedListener,
  ],
})
export class PlaylistsModule {}
