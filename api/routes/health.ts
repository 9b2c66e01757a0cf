import { z } from 'zod';
import { pendingMigrations } from '../../db/orm.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

const check = z.object({ ok: z.boolean(), ms: z.number(), detail: z.string().optional() });
const readiness = z.object({
  status: z.enum(['ok', 'fail']),
  checks: z.object({ postgres: check, migrations: check, temporal: check }),
});

async function timed(fn: () => Promise<string | undefined>): Promise<z.infer<typeof check>> {
  const t = performance.now();
  try {
    const detail = await fn();
    return { ok: true, ms: Math.round(performance.now() - t), ...(detail ? { detail } : {}) };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - t), detail: (e as Error).message.split('\n')[0]! };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);
}

export function healthRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'liveness',
      summary: 'Liveness: the process is up',
      tags: ['operations'],
      auth: 'public',
      responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
      handler: async () => ({ status: 'ok' }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'readiness',
      summary: 'Readiness: PostgreSQL reachable, migrations applied, Temporal reachable',
      tags: ['operations'],
      auth: 'public',
      responses: { 200: { description: 'ready', schema: readiness }, 503: { description: 'not ready', schema: readiness } },
      handler: async ({ res }) => {
        const [postgres, migrations, temporal] = await Promise.all([
          timed(async () => {
            await withTimeout(deps.orm.em.fork().getConnection().execute('select 1'), 3000, 'PostgreSQL');
            return undefined;
          }),
          timed(async () => {
            const pending = await withTimeout(pendingMigrations(deps.orm), 3000, 'PostgreSQL');
            if (pending.length) throw new Error(`pending migrations: ${pending.join(', ')}`);
            return undefined;
          }),
          timed(async () => {
            const info = await withTimeout(deps.temporal.workflowService.getSystemInfo({}), 3000, 'Temporal');
            return `server ${info.serverVersion || 'dev'}`;
          }),
        ]);
        const ok = postgres.ok && migrations.ok && temporal.ok;
        res.status(ok ? 200 : 503);
        return { status: ok ? 'ok' : 'fail', checks: { postgres, migrations, temporal } };
      },
    }),
  ];
}
