import {
  DescriptionField,
  IsPublishedField,
  OptionalNameField,
} from 'src/modules/playlists/playlist-fields.decorator';

/**
 * `PATCH /playlist/:playlistId`. Not `PartialType(CreatePlaylistDto)`: its `IsOptional` also lets
 * `null` through, which would store a null name; here an absent field is skipped and anything else
 * is checked.
 */
export class UpdatePlaylistDto {
  @OptionalNameField()
  name?: string;

  @DescriptionField()
  description?: string;

  @IsPublishedField()
  isPublished?: boolean;
}
