import { defineEntity, p } from '@mikro-orm/core';

/** A client's token bucket of one rate limit (services/certificate/shared-limits.ts), shared by every API process. */
export const RateLimitBucketSchema = defineEntity({
  name: 'RateLimitBucket',
  tableName: 'rate_limit_bucket',
  properties: {
    scope: p.string().length(40).primary(),
    client: p.string().length(64).primary(),
    tokens: p.double(),
    at: p.datetime(),
    /** whether the last request took a token */
    taken: p.boolean().default(true),
  },
});
export class RateLimitBucket extends RateLimitBucketSchema.class {}
RateLimitBucketSchema.setClass(RateLimitBucket);

/** Captchas already used on the verification page, until they would have expired. */
export const CaptchaSpentSchema = defineEntity({
  name: 'CaptchaSpent',
  tableName: 'captcha_spent',
  properties: {
    id: p.string().length(32).primary(),
    expiresAt: p.datetime().index(),
  },
});
export class CaptchaSpent extends CaptchaSpentSchema.class {}
CaptchaSpentSchema.setClass(CaptchaSpent);
