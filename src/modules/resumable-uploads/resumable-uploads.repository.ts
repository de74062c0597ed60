import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type { ResumableUploadRecord } from 'src/modules/resumable-uploads/resumable-upload-records.type';
import {
  LIVE_UPLOAD_STATES,
  ResumableUpload,
  type ResumableUploadState,
} from 'src/modules/resumable-uploads/schemas/resumable-upload.schema';

@Injectable()
export class ResumableUploadsRepository {
  constructor(
    @InjectModel(ResumableUpload.name) private readonly uploads: Model<ResumableUpload>,
  ) {}

  async create(record: {
    id: string;
    owner: string;
    length: number;
    expiresAt: Date;
  }): Promise<void> {
    await this.uploads.create({
      _id: record.id,
      owner: new Types.ObjectId(record.owner),
      length: record.length,
      state: 'uploading',
      expiresAt: record.expiresAt,
    });
  }

  /** The owner's upload while its file exists and it has not expired; null for anyone else's. */
  findLiveOwned(id: string, owner: string, now: Date): Promise<ResumableUploadRecord | null> {
    return this.uploads
      .findOne({
        _id: id,
        owner: new Types.ObjectId(owner),
        state: { $in: LIVE_UPLOAD_STATES },
        expiresAt: { $gt: now },
      })
      .lean<ResumableUploadRecord>()
      .exec();
  }

  /** Unfinished uploads of the owner that have not expired. */
  countUnfinished(owner: string, now: Date): Promise<number> {
    return this.uploads
      .countDocuments({
        owner: new Types.ObjectId(owner),
        state: 'uploading',
        expiresAt: { $gt: now },
      })
      .exec();
  }

  /** Bytes the owner declared in uploads created since `since`, whatever became of them. */
  async bytesDeclaredSince(owner: string, since: Date): Promise<number> {
    const [total] = await this.uploads
      .aggregate<{ bytes: number }>([
        { $match: { owner: new Types.ObjectId(owner), createdAt: { $gte: since } } },
        { $group: { _id: null, bytes: { $sum: '$length' } } },
      ])
      .exec();
    return total?.bytes ?? 0;
  }

  /** Compare-and-set of the state; true when this call moved it. */
  async moveState(
    id: string,
    from: readonly ResumableUploadState[],
    to: ResumableUploadState,
    owner?: string,
  ): Promise<boolean> {
    const result = await this.uploads
      .updateOne(
        {
          _id: id,
          ...(owner === undefined ? {} : { owner: new Types.ObjectId(owner) }),
          state: { $in: from },
        },
        { $set: { state: to } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async remove(id: string): Promise<void> {
    await this.uploads.deleteOne({ _id: id }).exec();
  }

  /** Live uploads past their expiry, a batch at a time. */
  findExpiredLive(now: Date, limit: number): Promise<Pick<ResumableUploadRecord, '_id'>[]> {
    return this.uploads
      .find({ state: { $in: LIVE_UPLOAD_STATES }, expiresAt: { $lte: now } })
      .limit(limit)
      .select({ _id: 1 })
      .lean<Pick<ResumableUploadRecord, '_id'>[]>()
      .exec();
  }

  /** Records of gone uploads whose day in the quota is over. */
  async removeGoneBefore(before: Date): Promise<number> {
    const result = await this.uploads
      .deleteMany({
        state: { $in: ['consumed', 'terminated', 'expired'] },
        expiresAt: { $lte: before },
      })
      .exec();
    return result.deletedCount;
  }
}
