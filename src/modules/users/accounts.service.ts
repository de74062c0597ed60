import { Injectable } from '@nestjs/common';
import type { Types } from 'mongoose';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import type {
  CodeHolderRecord,
  CodePurpose,
  CredentialsRecord,
  HolderRecord,
  NewPendingAccount,
} from 'src/modules/users/user-records.type';
import { toMe } from 'src/modules/users/users.mapper';
import { UsersRepository } from 'src/modules/users/users.repository';

/** A login's account: what the password check needs, and the Me a successful login returns. */
export interface LoginAccount {
  credentials: CredentialsRecord;
  me: MeResponse;
}

/**
 * The account records the auth flows (§2) work on: registration holders, credentials and pending
 * codes. The flows themselves live in the auth module; this is how they reach the users
 * collection without the repository leaving this module.
 */
@Injectable()
export class AccountsService {
  constructor(private readonly users: UsersRepository) {}

  findHolders(email: string, username: string): Promise<HolderRecord[]> {
    return this.users.findHolders(email, username);
  }

  findUsernameHolder(username: string): Promise<HolderRecord | null> {
    return this.users.findUsernameHolder(username);
  }

  deleteStalePending(userId: Types.ObjectId, registeredBefore: Date): Promise<boolean> {
    return this.users.deleteStalePending(userId, registeredBefore);
  }

  /** Rejects with a duplicate-key error when a concurrent registration took the email or username. */
  createPending(account: NewPendingAccount): Promise<Types.ObjectId> {
    return this.users.createPending(account);
  }

  /** False when the account is no longer pending; rejects with a duplicate key when the username was taken meanwhile. */
  replacePending(userId: Types.ObjectId, account: NewPendingAccount): Promise<boolean> {
    return this.users.replacePending(userId, account);
  }

  /** A5: the account behind an email or username, in one read. */
  async findLoginAccount(identifier: string): Promise<LoginAccount | null> {
    const record = await this.users.findLoginAccount(identifier);
    return record ? { credentials: record, me: toMe(record) } : null;
  }

  findCredentialsById(userId: string): Promise<CredentialsRecord | null> {
    return this.users.findCredentialsById(userId);
  }

  findCodeHolderByEmail(email: string, purpose: CodePurpose): Promise<CodeHolderRecord | null> {
    return this.users.findCodeHolderByEmail(email, purpose);
  }

  setPassword(userId: Types.ObjectId, passwordHash: string): Promise<void> {
    return this.users.setPassword(userId, passwordHash);
  }
}
