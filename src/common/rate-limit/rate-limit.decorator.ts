import { SetMetadata } from '@nestjs/common';

/** Route-specific buckets of contract §1.14 (the global bucket applies to every API route). */
export const RATE_LIMIT_BUCKETS = ['login', 'register', 'codeCheck', 'emailSend'] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

export const RATE_LIMIT_BUCKET_KEY = 'dancely:rate-limit-bucket';

export const RateLimitBucketOf = (bucket: RateLimitBucket): MethodDecorator =>
  SetMetadata(RATE_LIMIT_BUCKET_KEY, bucket);
