import {
  DescriptionField,
  IsPublishedField,
  NameField,
} from 'src/modules/playlists/playlist-fields.decorator';

/** `POST /playlist`. `description` defaults to `""`, `isPublished` to true (public). */
export class CreatePlaylistDto {
  @NameField()
  name: string;

  @DescriptionField()
  description?: string;

  @IsPublishedField()
  isPublished?: boolean;
}
