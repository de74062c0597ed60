import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthPassportModule } from 'src/common/auth/auth-passport.module';
import { JwtCookieStrategy, JwtStrategy } from 'src/modules/auth/access-token.strategy';
import { AuthCookiesInterceptor } from 'src/modules/auth/auth-cookies.interceptor';
import { AuthController } from 'src/modules/auth/auth.controller';
import { AuthService } from 'src/modules/auth/auth.service';
import { Session, SessionSchema } from 'src/modules/auth/schemas/session.schema';
import { SessionsController } from 'src/modules/auth/sessions.controller';
import { SessionsRepository } from 'src/modules/auth/sessions.repository';
import { SessionsService } from 'src/modules/auth/sessions.service';
import { TokenService } from 'src/modules/auth/token.service';
import { UsersModule } from 'src/modules/users/users.module';

@Module({
  imports: [
    JwtModule.register({}),
    MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }]),
    UsersModule,
    AuthPassportModule,
  ],
  controllers: [AuthController, SessionsController],
  providers: [
    TokenService,
    SessionsRepository,
    SessionsService,
    AuthService,
    AuthCookiesInterceptor,
    JwtStrategy,
    JwtCookieStrategy,
  ],
  exports: [TokenService, SessionsService],
})
export class AuthModule {}
