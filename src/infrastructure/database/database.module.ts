import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DatabaseEngine } from 'src/infrastructure/database/database-engine.service';
import { DatabaseSupervisor } from 'src/infrastructure/database/database-supervisor.service';

@Module({
  providers: [DatabaseEngine],
  exports: [DatabaseEngine],
})
class DatabaseEngineModule {}

/**
 * One Mongoose connection. It is created without waiting (`lazyConnection`), so the service
 * starts and answers /health/live while the database is still unreachable.
 */
@Module({
  imports: [
    MongooseModule.forRootAsync({
      imports: [DatabaseEngineModule],
      inject: [DatabaseEngine],
      useFactory: async (engine: DatabaseEngine) => ({
        uri: await engine.resolveUri(),
        ...engine.connectOptions(),
        lazyConnection: true,
      }),
    }),
    DatabaseEngineModule,
  ],
  providers: [DatabaseSupervisor],
  exports: [DatabaseSupervisor],
})
export class DatabaseModule {}
