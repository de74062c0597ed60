import type { Types } from 'mongoose';
import type { ResumableUploadState } from 'src/modules/resumable-uploads/schemas/resumable-upload.schema';

/** A stored upload record as the repository returns it (lean). */
export interface ResumableUploadRecord {
  _id: string;
  owner: Types.ObjectId;
  length: number;
  state: ResumableUploadState;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}
