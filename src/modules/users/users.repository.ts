import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { keysetAfter } from 'src/common/database/keyset.util';
import { containsLiteral } from 'src/common/database/literal-match.util';
import type { PageWindow } from 'src/common/pagination/cursor-pages.service';
import type {
  ChannelCounterField,
  ChannelDelta,
  ChannelFigures,
} from 'src/modules/users/channel-counters.type';
import {
  applyFieldByField,
  type CounterFix,
  type FixOutcome,
  spannedIds,
} from 'src/common/database/stored-counters.util';
import {
  CHANNEL_COUNTER_FIELDS,
  type PendingCode,
  type PendingEmailChange,
  User,
  type UserRecord,
} from 'src/modules/users/schemas/user.schema';
import type {
  CardRecord,
  ChannelCountersRecord,
  CodeHolderRecord,
  CodePurpose,
  CredentialsRecord,
  HolderRecord,
  LoginRecord,
  MeRecord,
  NewPendingAccount,
  OwnerLiteRecord,
  ProfileRecord,
  ChannelOwnerRecord,
} from 'src/modules/users/user-records.type';

const ME_PROJECTION = {
  username: 1,
  email: 1,
  name: 1,
  bio: 1,
  profileImage: 1,
  isVerified: 1,
  'emailChange.pendingEmail': 1,
  createdAt: 1,
  updatedAt: 1,
} as const;
const CARD_PROJECTION = { username: 1, name: 1, profileImage: 1, isVerified: 1 } as const;
const PROFILE_PROJECTION = { ...CARD_PROJECTION, bio: 1, createdAt: 1, channel: 1 } as const;
const OWNER_LITE_PROJECTION = { username: 1, name: 1, profileImage: 1 } as const;
const HOLDER_PROJECTION = { email: 1, username: 1, isVerified: 1, lastRegisteredAt: 1 } as const;
const CREDENTIALS_PROJECTION = { username: 1, email: 1, isVerified: 1, password: 1 } as const;
const CODE_HOLDER_PROJECTION = {
  username: 1,
  email: 1,
  isVerified: 1,
  registrationNonce: 1,
} as const;

/** Updates of one-time-code bookkeeping do not touch `updatedAt`: it tracks what the user changed. */
const QUIET = { timestamps: false } as const;

type StoredCode = PendingCode | PendingEmailChange;
/** The account records as stored: an ObjectId where the records handed out carry a string. */
type Stored<T extends { id: string }> = Omit<T, 'id'> & { _id: Types.ObjectId };
type RawCodeHolder = Omit<Stored<CodeHolderRecord>, 'code' | 'registrationNonce'> &
  Partial<Pick<CodeHolderRecord, 'registrationNonce'>> &
  Partial<Record<CodePurpose, StoredCode | null>>;

/** Which account may take a code, besides its id (e.g. still pending, still this registration). */
export interface CodeCondition {
  isVerified?: boolean;
  /** null matches accounts registered before nonces existed. */
  registrationNonce?: string | null;
}

/** Ids come in as strings and are converted here; the account records go out with string ids. */
@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  /**
   * Authentication: does this id name a verified account? Runs on every authenticated request, so
   * it is a lookup by `_id` alone and the flag is checked here: the embedded engine uses an index
   * only for a filter that is exactly a unique key, and scans the collection otherwise.
   */
  async isVerified(userId: string): Promise<boolean> {
    const found = await this.users
      .findOne({ _id: oid(userId) })
      .select({ isVerified: 1 })
      .lean<Pick<UserRecord, '_id' | 'isVerified'>>()
      .exec();
    return found?.isVerified === true;
  }

  /** Me (login, `/auth/me`, the profile updates): the signed-in, verified user. */
  findMe(userId: string): Promise<MeRecord | null> {
    return this.users
      .findOne({ _id: oid(userId), isVerified: true })
      .select(ME_PROJECTION)
      .lean<MeRecord>()
      .exec();
  }

  /**
   * Login: email and username never overlap (`@` is not a username character), so one match at
   * most. The Me fields come along, so a successful login needs no second read of the user.
   */
  async findLoginAccount(identifier: string): Promise<LoginRecord | null> {
    const found = await this.users
      .findOne({ $or: [{ email: identifier }, { username: identifier }] })
      .select({ ...CREDENTIALS_PROJECTION, ...ME_PROJECTION })
      .lean<Stored<CredentialsRecord> & MeRecord>()
      .exec();
    return found && { credentials: toCredentials(found), me: found };
  }

  /** Change-password and change-email: the signed-in user's hash. */
  async findCredentialsById(userId: string): Promise<CredentialsRecord | null> {
    const found = await this.users
      .findOne({ _id: oid(userId), isVerified: true })
      .select(CREDENTIALS_PROJECTION)
      .lean<Stored<CredentialsRecord>>()
      .exec();
    return found && toCredentials(found);
  }

  /** Registration: the accounts holding this email or this username (at most two: unique keys). */
  async findHolders(email: string, username: string): Promise<HolderRecord[]> {
    const found = await this.users
      .find({ $or: [{ email }, { username }] })
      .select(HOLDER_PROJECTION)
      .limit(2)
      .lean<Stored<HolderRecord>[]>()
      .exec();
    return found.map(toHolder);
  }

  /** `GET /auth/check-username`: who holds this username. */
  async findUsernameHolder(username: string): Promise<HolderRecord | null> {
    const found = await this.users
      .findOne({ username })
      .select(HOLDER_PROJECTION)
      .lean<Stored<HolderRecord>>()
      .exec();
    return found && toHolder(found);
  }

  /** Registration: frees the username of a pending account whose 24-hour hold has passed. */
  async deleteStalePending(userId: string, registeredBefore: Date): Promise<boolean> {
    const result = await this.users
      .deleteOne({
        _id: oid(userId),
        isVerified: false,
        lastRegisteredAt: { $lte: registeredBefore },
      })
      .exec();
    return result.deletedCount === 1;
  }

  /** The new account's id. */
  async createPending(account: NewPendingAccount): Promise<string> {
    const created = await this.users.create({
      name: account.name,
      email: account.email,
      username: account.username,
      password: account.passwordHash,
      profileImage: account.profileImage,
      profileImageKey: null,
      isVerified: false,
      lastRegisteredAt: account.registeredAt,
      registrationNonce: account.registrationNonce,
    });
    return created._id.toHexString();
  }

  /**
   * Registration: a pending account re-registered with its own email is overwritten in place. The
   * new registration nonce voids every verification code sent for an earlier attempt; the code
   * itself is kept, so its resend cooldown still holds.
   */
  async replacePending(userId: string, account: NewPendingAccount): Promise<boolean> {
    const result = await this.users
      .updateOne(
        { _id: oid(userId), isVerified: false },
        {
          $set: {
            name: account.name,
            username: account.username,
            password: account.passwordHash,
            profileImage: account.profileImage,
            profileImageKey: null,
            lastRegisteredAt: account.registeredAt,
            registrationNonce: account.registrationNonce,
          },
        },
      )
      .exec();
    return result.matchedCount === 1;
  }

  /** An account by email with one pending code (verify, resend, forgot and reset password). */
  async findCodeHolderByEmail(
    email: string,
    purpose: CodePurpose,
  ): Promise<CodeHolderRecord | null> {
    return toCodeHolder(
      await this.users
        .findOne({ email })
        .select({ ...CODE_HOLDER_PROJECTION, [purpose]: 1 })
        .lean<RawCodeHolder>()
        .exec(),
      purpose,
    );
  }

  /** The signed-in user with one pending code (the email change). */
  async findCodeHolderById(userId: string, purpose: CodePurpose): Promise<CodeHolderRecord | null> {
    return toCodeHolder(
      await this.users
        .findOne({ _id: oid(userId), isVerified: true })
        .select({ ...CODE_HOLDER_PROJECTION, [purpose]: 1 })
        .lean<RawCodeHolder>()
        .exec(),
      purpose,
    );
  }

  /**
   * Stores a new code unless one was sent after `cooldownCutoff`: the cooldown check and the write
   * are one conditional update, so two concurrent requests cannot both send. `where` narrows the
   * account further (e.g. still pending). False when the cooldown (or `where`) refused.
   */
  async storeCode(
    userId: string,
    purpose: CodePurpose,
    code: StoredCode,
    cooldownCutoff: Date,
    where: CodeCondition = {},
  ): Promise<boolean> {
    const result = await this.users
      .updateOne(
        {
          _id: oid(userId),
          ...where,
          $or: [{ [purpose]: null }, { [`${purpose}.sentAt`]: { $lte: cooldownCutoff } }],
        },
        { $set: { [purpose]: code } },
        QUIET,
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** Drops a code that could not be delivered (only that code: a newer one is left alone). */
  async discardCode(userId: string, purpose: CodePurpose, codeHash: string): Promise<void> {
    await this.users
      .updateOne(
        { _id: oid(userId), [`${purpose}.codeHash`]: codeHash },
        { $set: { [purpose]: null } },
        QUIET,
      )
      .exec();
  }

  /** Counts one wrong attempt on that exact code; the new count, or null if the code changed meanwhile. */
  async countWrongAttempt(
    userId: string,
    purpose: CodePurpose,
    codeHash: string,
    maxAttempts: number,
  ): Promise<number | null> {
    const updated = await this.users
      .findOneAndUpdate(
        {
          _id: oid(userId),
          [`${purpose}.codeHash`]: codeHash,
          [`${purpose}.attempts`]: { $lt: maxAttempts },
        },
        { $inc: { [`${purpose}.attempts`]: 1 } },
        { ...QUIET, returnDocument: 'after', projection: { [`${purpose}.attempts`]: 1 } },
      )
      .lean<Partial<Record<CodePurpose, Pick<PendingCode, 'attempts'> | null>>>()
      .exec();
    return updated?.[purpose]?.attempts ?? null;
  }

  /**
   * Single use: consumes the code and applies `changes` in one conditional update, so a code can
   * never be used twice, even by concurrent requests. False when it was consumed, replaced,
   * exhausted or expired meanwhile, or when the account no longer meets `where` (e.g. a
   * re-registration replaced the attempt a verification code was for). A duplicate-key error
   * (email change) propagates.
   */
  async consumeCode(
    userId: string,
    purpose: CodePurpose,
    codeHash: string,
    maxAttempts: number,
    now: Date,
    changes: Partial<
      Pick<User, 'isVerified' | 'password' | 'email' | 'verification' | 'passwordReset'>
    >,
    where: CodeCondition = {},
  ): Promise<boolean> {
    const result = await this.users
      .updateOne(
        {
          _id: oid(userId),
          ...where,
          [`${purpose}.codeHash`]: codeHash,
          [`${purpose}.attempts`]: { $lt: maxAttempts },
          [`${purpose}.expiresAt`]: { $gt: now },
        },
        { $set: { [purpose]: null, ...changes } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** Name and bio updates: the updated Me, or null when the account is gone. */
  updateProfile(
    userId: string,
    changes: Partial<Pick<User, 'name' | 'bio'>>,
  ): Promise<MeRecord | null> {
    return this.users
      .findOneAndUpdate(
        { _id: oid(userId), isVerified: true },
        { $set: changes },
        {
          returnDocument: 'after',
          projection: ME_PROJECTION,
        },
      )
      .lean<MeRecord>()
      .exec();
  }

  /**
   * Profile image: points the avatar at the new upload and returns the key it replaced, atomically,
   * so two concurrent uploads each delete exactly the image they displaced. Undefined when the
   * account is gone.
   */
  async swapProfileImage(
    userId: string,
    url: string,
    key: string,
  ): Promise<{ previousKey: string | null } | undefined> {
    const before = await this.users
      .findOneAndUpdate(
        { _id: oid(userId), isVerified: true },
        { $set: { profileImage: url, profileImageKey: key } },
        { returnDocument: 'before', projection: { profileImageKey: 1 } },
      )
      .lean<Pick<UserRecord, '_id' | 'profileImageKey'>>()
      .exec();
    return before ? { previousKey: before.profileImageKey ?? null } : undefined;
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.users.updateOne({ _id: oid(userId) }, { $set: { password: passwordHash } }).exec();
  }

  /** Email change: is this address held by any other account, verified or pending? */
  async emailHeldByOther(email: string, userId: string): Promise<boolean> {
    const found = await this.users
      .findOne({ email, _id: { $ne: oid(userId) } })
      .select({ _id: 1 })
      .lean<Pick<UserRecord, '_id'>>()
      .exec();
    return found !== null;
  }

  async discardEmailChange(userId: string): Promise<void> {
    await this.users.updateOne({ _id: oid(userId) }, { $set: { emailChange: null } }, QUIET).exec();
  }

  /**
   * `GET /user/search`: verified users whose username or name contains the text literally, in
   * username then `_id` order.
   */
  search(text: string, window: PageWindow): Promise<CardRecord[]> {
    const pattern = containsLiteral(text);
    const filter = { isVerified: true, $or: [{ username: pattern }, { name: pattern }] };
    return this.users
      .find(
        window.after === null
          ? filter
          : { $and: [filter, keysetAfter('username', 1, window.after)] },
      )
      .select(CARD_PROJECTION)
      .sort({ username: 1, _id: 1 })
      .skip(window.skip)
      .limit(window.take)
      .lean<CardRecord[]>()
      .exec();
  }

  /**
   * The channel profile: a verified user's profile with its counters. The unique username alone
   * is queried (an exact unique key is index-served on every engine); verification is checked here.
   */
  async findProfileByUsername(username: string): Promise<ProfileRecord | null> {
    const found = await this.users
      .findOne({ username })
      .select(PROFILE_PROJECTION)
      .lean<ProfileRecord>()
      .exec();
    return found?.isVerified ? found : null;
  }

  /**
   * Owners of a page of items, in one query by `_id`; pending accounts are left out (checked
   * here, so the query stays on the `_id` index on every engine).
   */
  async findOwnerLites(ids: string[]): Promise<OwnerLiteRecord[]> {
    const found = await this.users
      .find({ _id: { $in: ids.map(oid) } })
      .select({ ...OWNER_LITE_PROJECTION, isVerified: 1 })
      .limit(ids.length)
      .lean<(OwnerLiteRecord & Pick<UserRecord, 'isVerified'>)[]>()
      .exec();
    return found.filter((user) => user.isVerified).map(withoutFlag);
  }

  /** The watch page's owner and their followers count, if verified (the `_id` alone is queried). */
  async findChannelOwner(id: string): Promise<ChannelOwnerRecord | null> {
    const found = await this.users
      .findOne({ _id: oid(id) })
      .select({ ...OWNER_LITE_PROJECTION, isVerified: 1, 'channel.followers': 1 })
      .lean<ChannelOwnerRecord & Pick<UserRecord, 'isVerified'>>()
      .exec();
    return found?.isVerified ? found : null;
  }

  /** Channel counters: one atomic `$inc` (timestamps untouched); an unknown user is a no-op. */
  async incrementChannel(userId: string, delta: ChannelDelta): Promise<void> {
    const inc = channelInc(delta);
    if (inc === null) return;
    await this.users.updateOne({ _id: oid(userId) }, { $inc: inc }, QUIET).exec();
  }

  /** Several users' channel counters in one round trip, each update atomic on its own. */
  async incrementChannels(changes: { userId: string; delta: ChannelDelta }[]): Promise<void> {
    const operations = changes.flatMap(({ userId, delta }) => {
      const inc = channelInc(delta);
      return inc === null
        ? []
        : [
            {
              updateOne: { filter: { _id: oid(userId) }, update: { $inc: inc }, timestamps: false },
            },
          ];
    });
    if (operations.length === 0) return;
    await this.users.bulkWrite(operations, { ordered: false });
  }

  /** A user's channel counters by `_id` (as stored: fields may be missing on old documents). */
  async findChannelFigures(userId: string): Promise<Partial<ChannelFigures> | undefined> {
    const found = await this.users
      .findOne({ _id: oid(userId) })
      .select({ channel: 1 })
      .lean<Pick<UserRecord, '_id'> & { channel?: Partial<ChannelFigures> }>()
      .exec();
    return found?.channel;
  }

  /** One verified user's OwnerLite, by `_id` alone. */
  async findOwnerLite(id: string): Promise<OwnerLiteRecord | null> {
    const found = await this.users
      .findOne({ _id: oid(id) })
      .select({ ...OWNER_LITE_PROJECTION, isVerified: 1 })
      .lean<OwnerLiteRecord & Pick<UserRecord, 'isVerified'>>()
      .exec();
    return found?.isVerified ? withoutFlag(found) : null;
  }

  /**
   * Reconcile: the next `limit` users after `afterId` in `_id` order, with their stored channel
   * counters (the `_id` index). Pending accounts are included: their counters must be right too.
   */
  findChannelCountersAfter(
    afterId: string | null,
    limit: number,
  ): Promise<ChannelCountersRecord[]> {
    return this.users
      .find(afterId === null ? {} : { _id: { $gt: oid(afterId) } })
      .select({ channel: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<ChannelCountersRecord[]>()
      .exec();
  }

  /** Reconcile: the stored channel counters of these users (those that exist). */
  findChannelCountersByIds(userIds: string[]): Promise<ChannelCountersRecord[]> {
    return this.users
      .find({ _id: { $in: userIds.map(oid) } })
      .select({ channel: 1 })
      .limit(userIds.length)
      .lean<ChannelCountersRecord[]>()
      .exec();
  }

  /**
   * Reconcile: writes each fix only while `channel.<field>` still holds the value read, so a
   * concurrent `$inc` is never overwritten (`null` matches a missing field or subdocument).
   * `updatedAt` stays: it tracks what the user changed.
   */
  applyChannelFixes(
    fixes: CounterFix<ChannelCounterField>[],
  ): Promise<FixOutcome<ChannelCounterField>> {
    return applyFieldByField(CHANNEL_COUNTER_FIELDS, fixes, async (field, groups) => {
      const path = `channel.${field}`;
      const result = await this.users.bulkWrite(
        groups.map((group) => ({
          updateMany: {
            filter: { ...spannedIds(group.ids, oid), [path]: group.seen },
            update: { $set: { [path]: group.truth } },
            timestamps: false,
          },
        })),
        { ordered: false },
      );
      return result.matchedCount;
    });
  }
}

/** An OwnerLite without the verification flag it was filtered on. */
function withoutFlag(user: OwnerLiteRecord & Pick<UserRecord, 'isVerified'>): OwnerLiteRecord {
  return {
    _id: user._id,
    username: user.username,
    name: user.name,
    profileImage: user.profileImage,
  };
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}

/** `{ 'channel.<field>': n }` for the non-zero entries of a delta, or null when there are none. */
function channelInc(delta: ChannelDelta): Record<string, number> | null {
  const inc: Record<string, number> = {};
  for (const field of CHANNEL_COUNTER_FIELDS) {
    const change = delta[field];
    if (change !== undefined && change !== 0) inc[`channel.${field}`] = change;
  }
  return Object.keys(inc).length === 0 ? null : inc;
}

function toCredentials(raw: Stored<CredentialsRecord>): CredentialsRecord {
  return {
    id: raw._id.toHexString(),
    username: raw.username,
    email: raw.email,
    isVerified: raw.isVerified,
    password: raw.password,
  };
}

function toHolder(raw: Stored<HolderRecord>): HolderRecord {
  return {
    id: raw._id.toHexString(),
    email: raw.email,
    username: raw.username,
    isVerified: raw.isVerified,
    lastRegisteredAt: raw.lastRegisteredAt,
  };
}

function toCodeHolder(raw: RawCodeHolder | null, purpose: CodePurpose): CodeHolderRecord | null {
  if (!raw) return null;
  return {
    id: raw._id.toHexString(),
    username: raw.username,
    email: raw.email,
    isVerified: raw.isVerified,
    registrationNonce: raw.registrationNonce ?? null,
    code: raw[purpose] ?? null,
  };
}
