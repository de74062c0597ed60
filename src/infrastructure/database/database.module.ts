import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DatabaseEngineService } from 'src/infrastructure/database/database-engine.service';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';

@Module({
  providers: [DatabaseEngineService],
  exports: [DatabaseEngineService],
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
      inject: [DatabaseEngineService],
      useFactory: async (engine: DatabaseEngineService) => ({
        uri: await engine.resolveUri(),
        ...engine.connectOptions(),
        lazyConnection: true,
      }),
    }),
    DatabaseEngineModule,
  ],
  providers: [DatabaseSupervisorService],
  exports: [DatabaseSupervisorService],
})
export class DatabaseModule {}
