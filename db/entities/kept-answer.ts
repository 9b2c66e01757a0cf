import { defineEntity, p } from '@mikro-orm/core';

/**
 * The first answer to a request sent with an `Idempotency-Key`, kept so that a repeat gets it back even
 * after the workflow that gave it has completed (Temporal deduplicates an Update ID only while the
 * workflow runs). The key is scoped by operation, subject and the user who sent it.
 */
export const KeptAnswerSchema = defineEntity({
  name: 'KeptAnswer',
  tableName: 'kept_answer',
  properties: {
    scope: p.string().length(300).primary(),
    status: p.integer(),
    body: p.json<unknown>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class KeptAnswer extends KeptAnswerSchema.class {}
KeptAnswerSchema.setClass(KeptAnswer);
