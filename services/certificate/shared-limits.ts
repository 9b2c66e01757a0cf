import type { EntityManager } from '@mikro-orm/postgresql';

export interface RateLimitDecision {
  ok: boolean;
  /** when refused: seconds until one request is allowed again */
  retryAfterSeconds: number;
}

/**
 * Token buckets per client kept in PostgreSQL, so every API process draws on the same allowance: one
 * statement refills the bucket by the time passed, takes the cost when it is there, and answers. Time is
 * the database's clock, the same for all processes.
 */
export function createSharedRateLimiter(deps: { em: () => EntityManager; scope: string; limits: () => { perMinute: number; burst: number } }) {
  return {
    async take(client: string, cost = 1): Promise<RateLimitDecision> {
      const { perMinute, burst } = deps.limits();
      const perSecond = perMinute / 60;
      const rows = await deps.em().getConnection().execute<{ tokens: number; taken: boolean }[]>(
        `insert into rate_limit_bucket as b (scope, client, tokens, at) values (?, ?, ?, clock_timestamp())
         on conflict (scope, client) do update set
           tokens = case when least(?::float8, b.tokens + extract(epoch from clock_timestamp() - b.at) * ?::float8) >= ?::float8
                         then least(?::float8, b.tokens + extract(epoch from clock_timestamp() - b.at) * ?::float8) - ?::float8
                         else least(?::float8, b.tokens + extract(epoch from clock_timestamp() - b.at) * ?::float8) end,
           at = clock_timestamp(),
           taken = least(?::float8, b.tokens + extract(epoch from clock_timestamp() - b.at) * ?::float8) >= ?::float8
         returning tokens, taken`,
        [deps.scope, client, burst - cost, burst, perSecond, cost, burst, perSecond, cost, burst, perSecond, burst, perSecond, cost],
      );
      const row = rows[0];
      if (!row || row.taken) return { ok: true, retryAfterSeconds: 0 };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - Number(row.tokens)) / perSecond)) };
    },

    /** Buckets that are full again hold nothing worth keeping. */
    async forgetIdle(): Promise<number> {
      const { perMinute, burst } = deps.limits();
      return deps.em().getConnection().execute(
        `delete from rate_limit_bucket where scope = ? and tokens + extract(epoch from clock_timestamp() - at) * ?::float8 >= ?::float8`,
        [deps.scope, perMinute / 60, burst],
        'run',
      ) as unknown as Promise<number>;
    },
  };
}

/**
 * Single use of a captcha across every API process: `use` returns false when the id was already spent.
 * Spent ids are kept until the captcha would have expired anyway.
 */
export function createSharedCaptchaGuard(deps: { em: () => EntityManager }) {
  let uses = 0;
  return {
    async use(id: string, expiresAt: Date): Promise<boolean> {
      const conn = deps.em().getConnection();
      if (++uses % 500 === 0) await conn.execute('delete from captcha_spent where expires_at < clock_timestamp()', [], 'run');
      const rows = await conn.execute<{ id: string }[]>('insert into captcha_spent (id, expires_at) values (?, ?) on conflict (id) do nothing returning id', [id, expiresAt]);
      return rows.length === 1;
    },
  };
}
