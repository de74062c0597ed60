import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { Request, Response as ExpressResponse } from 'express';
import type { ServerRequest } from 'srvx';
import { NodeRequest } from 'srvx/node';
import { API_BASE_PATH } from 'src/app.setup';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { ResumableUploadsRepository } from 'src/modules/resumable-uploads/resumable-uploads.repository';

/** The path of the tus endpoint, as `@tus/server` sees the request URL. */
export const TUS_PATH = `${API_BASE_PATH}/uploads`;

/**
 * `@tus/server` with its file store, driven by `ResumableUploadsController` after the app's own
 * pipeline (rate limits, authentication, ownership, quotas) has let a request through. The id of
 * every request is decided by the controller, never read from the URL by tus: a request can only
 * touch the upload the controller checked.
 */
@Injectable()
export class TusServerService {
  readonly store: FileStore;
  private readonly server: Server;
  private readonly ids = new WeakMap<object, string>();

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly uploads: ResumableUploadsRepository,
  ) {
    this.store = new FileStore({
      directory: config.media.resumable.dir,
      expirationPeriodInMilliseconds: config.media.resumable.expiryHours * 3_600_000,
    });
    const idOf = (req: ServerRequest): string => {
      const node = req.runtime?.node?.req;
      const id = node ? this.ids.get(node) : undefined;
      if (id === undefined) throw new Error('tus request without an upload id from the controller');
      return id;
    };
    this.server = new Server({
      path: TUS_PATH,
      datastore: this.store,
      relativeLocation: true,
      namingFunction: idOf,
      getFileIdFromRequest: idOf,
      // CORS is the app's (app.setup.ts): tus adds no origin of its own.
      allowedOrigins: () => false,
      onUploadFinish: async (_req, upload) => {
        await this.uploads.moveState(upload.id, ['uploading'], 'finished');
        return {};
      },
    });
  }

  /** Runs one tus request for the upload `id` and returns tus's answer, not yet sent. */
  handle(req: Request, res: ExpressResponse, id: string): Promise<Response> {
    this.ids.set(req, id);
    return this.server.handleWeb(new NodeRequest({ req, res }));
  }

  /**
   * Removes the upload's bytes and its tus info file (idempotent; the file store's own `remove`
   * keeps the info file when the bytes are already gone).
   */
  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
    await rm(`${this.pathOf(id)}.json`, { force: true });
  }

  /** The upload's bytes on local disk. */
  pathOf(id: string): string {
    return join(this.store.directory, id);
  }
}
