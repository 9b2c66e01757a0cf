import { findApplicationFailure } from '../../lib/workflow-failure.js';
import { WorkflowFailedError } from '@temporalio/client';
import { z } from 'zod';
import { IecChange, IecRecord } from '../../db/entities/index.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { Principal } from '../../lib/auth/roles.js';
import {
  IEC_REFRESH_WORKFLOW,
  TASK_QUEUE,
  iecRefreshWorkflowId,
  type IecRefreshInput,
  type IecRefreshResult,
} from '../../workflows/iec-refresh/contract.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

const iecParam = z.object({
  iec: z.string().regex(/^[A-Z0-9]{10}$/, 'An IEC is 10 capital letters and digits, e.g. AAACR5055K.').describe('Importer-Exporter Code'),
});

const change = z.object({ field: z.string(), before: z.unknown(), after: z.unknown() });
const iecRecord = z.object({
  iec: z.string(),
  firmName: z.string(),
  status: z.string(),
  source: z.string(),
  fetchedAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
const refreshResult = z.object({
  workflowId: z.string(),
  runId: z.string(),
  result: z
    .object({ iec: z.string(), outcome: z.enum(['created', 'updated', 'unchanged', 'not_found']), changes: z.array(change), firmName: z.string().optional() })
    .optional(),
});

/** Exporters see only their own IEC; staff roles see any. */
function assertMayReadIec(principal: Principal, iec: string): void {
  const staff = principal.roles.some((r) => r === 'admin' || r === 'helpdesk' || r === 'officer' || r === 'agency-admin');
  if (!staff && principal.iec !== iec) {
    // the same answer as for an IEC that does not exist: no probing of other exporters' records
    throw new AppError(ErrorCode.NotFound, `IEC ${iec} is not in the local IEC master.`);
  }
}

export function iecMasterRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/iec-master/:iec/refresh',
      operationId: 'refreshIecRecord',
      summary: 'Fetch the IEC from DGFT\'s IEC master and update the local copy',
      description:
        'Starts (or joins, if one is running) the durable workflow `iec-refresh/<IEC>`, which retries while the IEC master is down. ' +
        'With `wait=true` the answer carries the outcome and the fields that changed.',
      tags: ['iec-master'],
      auth: ['admin', 'helpdesk', 'exporter'],
      params: iecParam,
      query: z.object({ wait: z.enum(['true', 'false']).default('true') }),
      responses: { 200: { description: 'refreshed', schema: refreshResult }, 202: { description: 'started', schema: refreshResult } },
      handler: async ({ params, query, principal, res }) => {
        assertMayReadIec(principal!, params.iec);
        const input: IecRefreshInput = { iec: params.iec, requestedBy: principal!.sub };
        // USE_EXISTING: a second click while a refresh runs joins it instead of failing
        const handle = await deps.temporal.workflow.start(IEC_REFRESH_WORKFLOW, {
            taskQueue: TASK_QUEUE,
            workflowId: iecRefreshWorkflowId(params.iec),
            args: [input],
            workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowExecutionTimeout: '1 hour',
        });
        const runId = handle.firstExecutionRunId;
        if (query.wait === 'false') {
          res.status(202);
          return { workflowId: handle.workflowId, runId };
        }
        try {
          const result = (await handle.result()) as IecRefreshResult;
          return { workflowId: handle.workflowId, runId, result };
        } catch (e) {
          if (e instanceof WorkflowFailedError && findApplicationFailure(e)?.type === ErrorCode.NotFound) {
            throw new AppError(ErrorCode.NotFound, `IEC ${params.iec} does not exist in DGFT's IEC master. Check the code on your IEC certificate.`);
          }
          throw e;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/iec-master/:iec',
      operationId: 'getIecRecord',
      summary: 'The local copy of an IEC master record',
      tags: ['iec-master'],
      auth: ['admin', 'helpdesk', 'exporter', 'officer', 'agency-admin'],
      params: iecParam,
      responses: { 200: { description: 'the record', schema: iecRecord } },
      handler: async ({ params, principal }) => {
        assertMayReadIec(principal!, params.iec);
        const rec = await deps.orm.em.fork().findOne(IecRecord, { iec: params.iec });
        if (!rec) throw new AppError(ErrorCode.NotFound, `IEC ${params.iec} is not in the local IEC master.`);
        return { iec: rec.iec, firmName: rec.firmName, status: rec.status, source: rec.source, fetchedAt: rec.fetchedAt.toISOString(), data: rec.data };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/iec-master/:iec/changes',
      operationId: 'listIecChanges',
      summary: 'What each refresh changed in the local copy, newest first',
      tags: ['iec-master'],
      auth: ['admin', 'helpdesk', 'exporter'],
      params: iecParam,
      responses: { 200: { description: 'changes', schema: z.object({ items: z.array(z.object({ at: z.string(), changes: z.array(change) })) }) } },
      handler: async ({ params, principal }) => {
        assertMayReadIec(principal!, params.iec);
        const rows = await deps.orm.em.fork().find(IecChange, { iec: params.iec }, { orderBy: { id: 'desc' }, limit: 100 });
        return { items: rows.map((r) => ({ at: r.at.toISOString(), changes: r.changes })) };
      },
    }),
  ];
}
