import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { clientIpKey } from 'src/common/http/client-ip.util';

/** Who is calling, as far as the network tells: the rate-limit IP key and the User-Agent. */
export interface ClientContext {
  /** `clientIpKey()`: the socket address, or X-Forwarded-For through TRUST_PROXY hops; IPv6 by /56. */
  ip: string;
  userAgent: string;
}

/** The caller's IP key and User-Agent, for handlers that count per client (login failures, sessions, views). */
export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientContext => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const userAgent = req.headers['user-agent'];
  return {
    ip: clientIpKey(req),
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : '',
  };
});
