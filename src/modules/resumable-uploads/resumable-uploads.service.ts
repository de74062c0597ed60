import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { VIDEO_FILE } from 'src/common/uploads/media-fields.constant';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { ResumableUploadsErrors } from 'src/modules/resumable-uploads/resumable-uploads.errors';
import { ResumableUploadsRepository } from 'src/modules/resumable-uploads/resumable-uploads.repository';
import { LIVE_UPLOAD_STATES } from 'src/modules/resumable-uploads/schemas/resumable-upload.schema';
import {
  TUS_METADATA_PATTERN,
  TUS_OFFSET_CONTENT_TYPE,
} from 'src/modules/resumable-uploads/tus-docs.decorator';
import { TusServerService } from 'src/modules/resumable-uploads/tus-server.service';

const TUS_VERSION = '1.0.0';
const DAY_MS = 24 * 3_600_000;
/** tus's answers that the app writes itself (CORS and length are the app's and Node's business). */
const SKIPPED_HEADERS = new Set([
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'content-length',
  'content-type',
  'connection',
]);

/** A finished upload handed to `POST /video`: its bytes on local disk. */
export interface ClaimedUpload {
  id: string;
  path: string;
  size: number;
}

/**
 * tus 1.0 resumable uploads (docs/api.md#resumable-uploads): who may create, resume or end an
 * upload, the quotas, and the hand-over of finished uploads to the videos. The protocol itself is
 * `@tus/server`'s (`TusServerService`).
 */
@Injectable()
export class ResumableUploadsService {
  private readonly logger = new Logger(ResumableUploadsService.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly uploads: ResumableUploadsRepository,
    private readonly tus: TusServerService,
  ) {}

  /**
   * `POST /uploads`: the declared length and the caller's quotas are checked before tus creates
   * anything; the record is written first and checked against the caps after, so that concurrent
   * creations can never pass them together (one may refuse another that would have fitted).
   */
  async create(ownerId: string, req: Request, res: Response): Promise<void> {
    requireTusResumable(req);
    const length = declaredLength(req);
    if (length > VIDEO_FILE.maxBytes) throw ResumableUploadsErrors.tooLarge();
    // A creation may carry the first bytes (creation-with-upload), as upload data only: tus would
    // ignore any other body, and a body that is silently dropped is a request misread.
    if (hasBody(req) && !isUploadData(req)) throw ResumableUploadsErrors.wrongContentType();
    // tus skips an empty header and refuses a malformed one itself; both are refused here, alike.
    const metadata = req.headers['upload-metadata'];
    if (metadata !== undefined && !isTusMetadata(metadata))
      throw ResumableUploadsErrors.invalidMetadata();
    const { maxUnfinishedPerUser, dailyBytesPerUser, expiryHours } = this.config.media.resumable;
    const now = new Date();
    const id = randomBytes(12).toString('hex');
    await this.uploads.create({
      id,
      owner: ownerId,
      length,
      expiresAt: new Date(now.getTime() + expiryHours * 3_600_000),
    });
    try {
      if ((await this.uploads.countUnfinished(ownerId, now)) > maxUnfinishedPerUser)
        throw ResumableUploadsErrors.tooManyUnfinished(maxUnfinishedPerUser);
      const since = new Date(now.getTime() - DAY_MS);
      if ((await this.uploads.bytesDeclaredSince(ownerId, since)) > dailyBytesPerUser)
        throw ResumableUploadsErrors.dailyQuota(dailyBytesPerUser);
      const answer = await this.tus.handle(req, res, id);
      if (answer.status >= 400) await this.tus.remove(id);
      await this.send(answer, res);
    } catch (error) {
      await this.uploads.remove(id);
      throw error;
    }
  }

  /** `HEAD /uploads/:uploadId` (the offset to resume from) and `PATCH` (more bytes). */
  async resume(ownerId: string, id: string, req: Request, res: Response): Promise<void> {
    await this.findLive(ownerId, id);
    if (req.method === 'PATCH' && req.headers['content-type'] !== TUS_OFFSET_CONTENT_TYPE)
      throw ResumableUploadsErrors.wrongContentType();
    await this.send(await this.tus.handle(req, res, id), res);
  }

  /** `DELETE /uploads/:uploadId` (termination): the record first, so nothing can claim it after. */
  async terminate(ownerId: string, id: string, req: Request, res: Response): Promise<void> {
    await this.findLive(ownerId, id);
    requireTusResumable(req);
    if (!(await this.uploads.moveState(id, LIVE_UPLOAD_STATES, 'terminated', ownerId)))
      throw ResumableUploadsErrors.notFound();
    await this.tus.remove(id);
    res.status(204).setHeader('Tus-Resumable', TUS_VERSION);
    res.end();
  }

  /**
   * `POST /video` with `uploadId`: takes the caller's finished upload for itself (compare-and-set,
   * so two requests cannot both take it). The caller then either `consume`s it or `release`s it.
   */
  async claim(ownerId: string, id: string): Promise<ClaimedUpload> {
    const upload = await this.uploads.findLiveOwned(id, ownerId, new Date());
    if (!upload) throw ResumableUploadsErrors.notFound();
    if (upload.state !== 'finished') throw ResumableUploadsErrors.notFinished();
    if (!(await this.uploads.moveState(id, ['finished'], 'consumed', ownerId)))
      throw ResumableUploadsErrors.notFound();
    return { id, path: this.tus.pathOf(id), size: upload.length };
  }

  /** The claimed upload's bytes are stored elsewhere now: its files go. */
  async consume(upload: ClaimedUpload): Promise<void> {
    await this.tus
      .remove(upload.id)
      .catch((error: unknown) =>
        this.logger.warn(`Could not remove consumed upload ${upload.id}: ${String(error)}`),
      );
  }

  /** The request that claimed the upload failed: it can be used again. */
  async release(upload: ClaimedUpload): Promise<void> {
    await this.uploads.moveState(upload.id, ['consumed'], 'finished');
  }

  /**
   * Removes the files of live uploads past their expiry (and any tus file older than the expiry
   * that no record names), and forgets gone uploads once their day in the quota is over.
   * Returns how many uploads expired.
   */
  async removeExpired(now: Date = new Date()): Promise<number> {
    let expired = 0;
    for (;;) {
      const batch = await this.uploads.findExpiredLive(now, 100);
      for (const { _id: id } of batch) {
        if (await this.uploads.moveState(id, LIVE_UPLOAD_STATES, 'expired')) expired += 1;
        await this.tus.remove(id);
      }
      if (batch.length < 100) break;
    }
    await this.uploads.removeGoneBefore(new Date(now.getTime() - DAY_MS));
    await this.tus.store
      .deleteExpired()
      .catch((error: unknown) =>
        this.logger.warn(`tus clean-up of expired files failed: ${String(error)}`),
      );
    return expired;
  }

  private async findLive(ownerId: string, id: string): Promise<void> {
    if (!(await this.uploads.findLiveOwned(id, ownerId, new Date())))
      throw ResumableUploadsErrors.notFound();
  }

  /** Writes a tus answer, or turns a tus refusal into the API's error body. */
  private async send(answer: globalThis.Response, res: Response): Promise<void> {
    answer.headers.forEach((value, name) => {
      if (!SKIPPED_HEADERS.has(name.toLowerCase())) res.setHeader(name, value);
    });
    const text = (await answer.text()).trim();
    if (answer.status >= 400) throw tusFailure(answer.status, text);
    res.status(answer.status);
    res.end();
  }
}

function requireTusResumable(req: Request): void {
  if (req.headers['tus-resumable'] !== TUS_VERSION)
    throw ResumableUploadsErrors.tusResumableRequired();
}

/** Whether the request announces a body (a length above 0, or chunked). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isUploadData(req: Request): boolean {
  return (
    (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() ===
    TUS_OFFSET_CONTENT_TYPE
  );
}

const TUS_METADATA = new RegExp(TUS_METADATA_PATTERN);

/** A well-formed `Upload-Metadata` value: `key[ base64]` pairs, no key twice. */
function isTusMetadata(value: string | string[]): boolean {
  if (typeof value !== 'string' || !TUS_METADATA.test(value)) return false;
  const keys = value.split(',').map((pair) => pair.split(' ')[0]);
  return new Set(keys).size === keys.length;
}

function declaredLength(req: Request): number {
  const raw = req.headers['upload-length'];
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw))
    throw ResumableUploadsErrors.lengthRequired();
  return Number(raw);
}

/** tus's refusals, in the API's codes; its texts are kept as the message. */
function tusFailure(status: number, text: string): Error {
  const message = text || 'Upload request refused';
  switch (status) {
    case 404:
    case 410:
      return ResumableUploadsErrors.notFound();
    case 409:
      return new AppException(ErrorCode.CONFLICT, message);
    case 412:
      return ResumableUploadsErrors.tusResumableRequired();
    case 413:
      return new AppException(ErrorCode.PAYLOAD_TOO_LARGE, message);
    case 403:
    case 415:
      return ResumableUploadsErrors.wrongContentType();
    default:
      return status < 500
        ? new AppException(ErrorCode.BAD_REQUEST, message)
        : new Error(`tus answered ${status}: ${message}`);
  }
}
