import { SetMetadata } from '@nestjs/common';

/** Route buckets (docs/api.md#rate-limit-buckets); the global one applies to every API route. */
export const RATE_LIMIT_BUCKETS = ['login', 'register', 'codeCheck', 'emailSend'] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

export const RATE_LIMIT_BUCKET_KEY = 'dancely:rate-limit-bucket';

export const RateLimitBucketOf = (bucket: RateLimitBucket): MethodDecorator =>
  SetMetadata(RATE_LIMIT_BUCKET_KEY, bucket);
