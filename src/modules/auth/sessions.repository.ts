import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { Session, type SessionRecord } from 'src/modules/auth/schemas/session.schema';

@Injectable()
export class SessionsRepository {
  constructor(@InjectModel(Session.name) private readonly sessions: Model<Session>) {}

  /** The session behind an access token, if it is still live and belongs to that user. */
  findLive(sessionId: string, userId: string, now: Date): Promise<SessionRecord | null> {
    return this.sessions
      .findOne({
        _id: new Types.ObjectId(sessionId),
        user: new Types.ObjectId(userId),
        revokedAt: null,
        expiresAt: { $gt: now },
      })
      .select({ _id: 1, user: 1 })
      .lean<SessionRecord>()
      .exec();
  }
}
