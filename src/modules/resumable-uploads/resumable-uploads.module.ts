import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ResumableUploadsCleanupScheduler } from 'src/modules/resumable-uploads/resumable-uploads-cleanup.scheduler';
import { ResumableUploadsController } from 'src/modules/resumable-uploads/resumable-uploads.controller';
import { ResumableUploadsRepository } from 'src/modules/resumable-uploads/resumable-uploads.repository';
import { ResumableUploadsService } from 'src/modules/resumable-uploads/resumable-uploads.service';
import {
  ResumableUpload,
  ResumableUploadSchema,
} from 'src/modules/resumable-uploads/schemas/resumable-upload.schema';
import { TusServerService } from 'src/modules/resumable-uploads/tus-server.service';

/** tus resumable uploads (`/uploads`), below videos, which consume finished ones. */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: ResumableUpload.name, schema: ResumableUploadSchema }]),
  ],
  controllers: [ResumableUploadsController],
  providers: [
    ResumableUploadsRepository,
    TusServerService,
    ResumableUploadsService,
    ResumableUploadsCleanupScheduler,
  ],
  exports: [ResumableUploadsService],
})
export class ResumableUploadsModule {}
