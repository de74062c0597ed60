import type { Types } from 'mongoose';
import type { ChannelFigures } from 'src/modules/users/channel-counters.type';
import type { PendingCode, PendingEmailChange } from 'src/modules/users/schemas/user.schema';

/** The three kinds of one-time code; each is a field of the user document. */
export type CodePurpose = 'verification' | 'passwordReset' | 'emailChange';

/**
 * Lean records as the users repository reads them, private to this module (lint-enforced): the
 * mapper turns them into responses, ids into strings.
 */

/** What the Me shape is built from; codes and hashes are never part of it. */
export interface MeRecord {
  _id: Types.ObjectId;
  username: string;
  email: string;
  name: string;
  bio?: string;
  profileImage: string;
  isVerified: boolean;
  emailChange?: Pick<PendingEmailChange, 'pendingEmail'> | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CardRecord {
  _id: Types.ObjectId;
  username: string;
  name: string;
  profileImage: string;
  isVerified: boolean;
}

export interface ProfileRecord extends CardRecord {
  bio?: string;
  createdAt: Date;
  /** Absent on documents from before the counters existed. */
  channel?: Partial<ChannelFigures>;
}

/** A watch page's owner: the OwnerLite fields and the followers count. */
export interface ChannelOwnerRecord extends OwnerLiteRecord {
  channel?: Partial<Pick<ChannelFigures, 'followers'>>;
}

export type OwnerLiteRecord = Pick<CardRecord, '_id' | 'username' | 'name' | 'profileImage'>;

/*
 * The account records below are what the account flows work on and hand back to the repository,
 * so they carry the id as a string; the repository converts both ways.
 */

/** Login and password checks: the one place a password hash is read. */
export interface CredentialsRecord {
  id: string;
  username: string;
  email: string;
  isVerified: boolean;
  password: string;
}

/** A login's account in one read: its credentials and the Me a successful login returns. */
export interface LoginRecord {
  credentials: CredentialsRecord;
  me: MeRecord;
}

/**
 * Username check and registration: who holds an email or a username, and since when a pending one
 * was last registered.
 */
export interface HolderRecord {
  id: string;
  email: string;
  username: string;
  isVerified: boolean;
  lastRegisteredAt: Date;
}

/** An account together with one of its pending codes (only read to check or issue that code). */
export interface CodeHolderRecord {
  id: string;
  username: string;
  email: string;
  isVerified: boolean;
  /** The registration attempt verification codes are bound to (null for accounts from before). */
  registrationNonce: string | null;
  code: PendingCode | PendingEmailChange | null;
}

export interface NewPendingAccount {
  name: string;
  email: string;
  username: string;
  passwordHash: string;
  profileImage: string;
  registeredAt: Date;
  /** Fresh for every registration attempt (see User.registrationNonce). */
  registrationNonce: string;
}

/** Reconcile: a user's stored channel counters as read (the subdocument or any field may be absent). */
export interface ChannelCountersRecord {
  _id: Types.ObjectId;
  channel?: Partial<Record<string, number | null>> | null;
}
