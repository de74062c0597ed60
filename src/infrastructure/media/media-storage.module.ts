import { Module } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { CloudinaryMediaStorage } from 'src/infrastructure/media/cloudinary-media-storage.adapter';
import { LocalMediaStorage } from 'src/infrastructure/media/local-media-storage.adapter';
import { MediaFilesController } from 'src/infrastructure/media/media-files.controller';
import { MediaStorage } from 'src/infrastructure/media/media-storage.port';

/** `MEDIA_STORAGE` picks the adapter when the app is created, never at import time. */
export function createMediaStorage(config: AppConfig): MediaStorage {
  switch (config.media.storage) {
    case 'local':
      return new LocalMediaStorage(config.media);
    case 'cloudinary':
      return new CloudinaryMediaStorage(config.media);
  }
}

/**
 * Provides `MediaStorage` (inject the abstract class). The `/media/*` controller is always
 * registered and answers `Route not found` unless the storage is local; code that needs the
 * local-only `open()` narrows with `storage instanceof LocalMediaStorage`.
 */
@Module({
  controllers: [MediaFilesController],
  providers: [{ provide: MediaStorage, inject: [APP_CONFIG], useFactory: createMediaStorage }],
  exports: [MediaStorage],
})
export class MediaStorageModule {}
