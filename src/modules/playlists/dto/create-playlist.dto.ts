import {
  DescriptionField,
  IsPublishedField,
  NameField,
} from 'src/modules/playlists/playlist-fields.decorator';

/** PL2. `description` defaults to `""`, `isPublished` to true (public). */
export class CreatePlaylistDto {
  @NameField()
  name: string;

  @DescriptionField()
  description?: string;

  @IsPublishedField()
  isPublished?: boolean;
}
