import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IdempotencyKeysRepository } from 'src/common/idempotency/idempotency-keys.repository';
import { IdempotencyService } from 'src/common/idempotency/idempotency.service';
import {
  IdempotencyKey,
  IdempotencyKeySchema,
} from 'src/common/idempotency/schemas/idempotency-key.schema';

/**
 * The `Idempotency-Key` store and its interceptor, for every module whose routes declare
 * `@Idempotent()` (cross-cutting, like the domain events: global, so no domain imports it).
 */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([{ name: IdempotencyKey.name, schema: IdempotencyKeySchema }]),
  ],
  providers: [IdempotencyKeysRepository, IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
