import { WorkflowFailedError } from '@temporalio/client';
import { z } from 'zod';
import { ExporterAccount } from '../../db/entities/exporter.js';
import { IecRecord } from '../../db/entities/iec-record.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { masterUserOf } from '../../domain/identity/iec-users.js';
import { assertContactDetailsFromIec, exporterView, mapExporterUser, removeExporterUser } from '../../services/identity/exporter-accounts.js';
import {
  EXPORTER_REGISTRATION_WORKFLOW,
  TASK_QUEUE,
  exporterRegistrationWorkflowId,
  type ExporterRegistrationWorkflowInput,
  type ExporterRegistrationWorkflowResult,
} from '../../workflows/exporter-registration/contract.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';
import { actorOf, appErrorFromFailure, iecSchema, userIdSchema } from './identity-support.js';

/** How long POST /v1/exporters waits for the registration workflow before answering 202. */
const REGISTRATION_WAIT_MS = 20_000;

const userSchema = z.object({
  id: z.string(),
  iec: z.string(),
  role: z.string(),
  name: z.string(),
  email: z.string(),
  mobile: z.string(),
  status: z.enum(['pending_dsc', 'active', 'removed']),
  mappedBy: z.string(),
  mappedAt: z.string(),
  activatedAt: z.string().nullable(),
  frozen: z.boolean(),
  activeDscs: z.number(),
});
const exporterSchema = z.object({
  iec: z.string(),
  firmName: z.string(),
  status: z.string(),
  iecStatus: z.string().nullable(),
  registeredAt: z.string(),
  masterUserId: z.string(),
  company: z.object({
    email: z.unknown(),
    mobile: z.unknown(),
    registeredAddress: z.unknown(),
    directors: z.unknown(),
    branches: z.unknown(),
    aeoNumber: z.unknown(),
    source: z.string().nullable(),
    fetchedAt: z.string().nullable(),
  }),
  users: z.array(userSchema),
  unmappedIecUsers: z.array(z.object({ name: z.string(), email: z.string(), role: z.string() })),
});
const registrationSchema = z.object({
  outcome: z.enum(['created', 'existing', 'pending']),
  workflowId: z.string().optional(),
  message: z.string().optional(),
  exporter: exporterSchema.optional(),
});
const iecParam = z.object({ iec: iecSchema });

/**
 * A workflow's result if it arrives within `ms` (Temporal long-polls it: no polling here), else undefined;
 * the wait is cancelled at the deadline.
 */
async function resultWithin<T>(temporal: ApiDeps['temporal'], ms: number, result: () => Promise<T>): Promise<T | undefined> {
  if (ms <= 0) return undefined;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    return await temporal.withAbortSignal(abort.signal, result);
  } catch (e) {
    if (abort.signal.aborted) return undefined;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

export function exporterRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/exporters',
      operationId: 'registerExporter',
      summary: "Register an exporter from its IEC (by the IEC's master user)",
      description:
        "Fetches the IEC from DGFT's IEC master through the durable workflow `exporter-registration/<IEC>` (which retries while the IEC master is down, seed 001 FAQ 6), " +
        'saves the local copy and creates the account with its master user. Company data and contact details come from the IEC master and are never typed in: ' +
        'an e-mail or mobile that differs from the IEC master\'s is refused with `contact_details_from_iec` (seed 001 FAQ 5: modify the IEC at DGFT). ' +
        'A suspended or cancelled IEC is refused with `iec_inactive`; only the master user listed in the IEC master may register. ' +
        'Idempotent: registering again returns the existing account (200). When the IEC master does not answer within 20 s the answer is 202 and the registration continues; repeat the call to see the result.',
      tags: ['exporters'],
      auth: ['exporter'],
      query: z.object({ wait: z.enum(['true', 'false']).default('true').describe('false: answer 202 at once and let the workflow run') }),
      body: z.object({
        iec: iecSchema,
        email: z.string().optional().describe('Not needed: taken from the IEC master. Refused when different (seed 001 FAQ 5).'),
        mobile: z.string().optional().describe('Not needed: taken from the IEC master. Refused when different (seed 001 FAQ 5).'),
      }),
      responses: {
        201: { description: 'account created', schema: registrationSchema },
        200: { description: 'already registered: the existing account', schema: registrationSchema },
        202: { description: 'the IEC master is slow or down: registration continues', schema: registrationSchema },
        404: { description: 'the IEC does not exist in the IEC master' },
      },
      handler: async ({ body, query, principal, res }) => {
        const p = principal!;
        if (p.iec !== body.iec) {
          throw new AppError(ErrorCode.Forbidden, `Your sign-in is for IEC ${p.iec ?? '(none)'}; you can register only that IEC.`);
        }
        const em = deps.orm.em.fork();
        const existing = await em.findOne(ExporterAccount, { iec: body.iec });
        if (existing) {
          if (existing.masterUserId !== p.sub) {
            throw new AppError(ErrorCode.Forbidden, `IEC ${body.iec} is already registered; only its master user can register it, and its other users are mapped by the master user.`);
          }
          const rec = await em.findOne(IecRecord, { iec: body.iec });
          const master = rec ? masterUserOf(rec.data as { iec: string; users?: unknown }) : null;
          const data = (rec?.data ?? {}) as { email?: unknown; mobile?: unknown };
          if (master) {
            assertContactDetailsFromIec(body.iec, body, [
              { email: master.email, mobile: master.mobile },
              { email: String(data.email ?? master.email), mobile: String(data.mobile ?? master.mobile) },
            ]);
          }
          return { outcome: 'existing', exporter: await exporterView(em, body.iec) };
        }

        const input: ExporterRegistrationWorkflowInput = {
          iec: body.iec,
          requestedBy: p.sub,
          ...(body.email !== undefined ? { email: body.email } : {}),
          ...(body.mobile !== undefined ? { mobile: body.mobile } : {}),
        };
        // one registration per IEC at a time: a second call joins the running one
        const handle = await deps.temporal.workflow.start(EXPORTER_REGISTRATION_WORKFLOW, {
          taskQueue: TASK_QUEUE,
          workflowId: exporterRegistrationWorkflowId(body.iec),
          args: [input],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowExecutionTimeout: '1 hour',
        });
        const pending = {
          outcome: 'pending' as const,
          workflowId: handle.workflowId,
          message:
            "DGFT's IEC master has not answered yet (it is sometimes down: seed 001 FAQ 6). The registration continues automatically; call POST /v1/exporters again to see the result.",
        };
        // the workflow's own result, long-polled from Temporal for at most REGISTRATION_WAIT_MS; then 202
        let result: ExporterRegistrationWorkflowResult | undefined;
        try {
          result = await resultWithin(deps.temporal, query.wait === 'false' ? 0 : REGISTRATION_WAIT_MS, () => handle.result() as Promise<ExporterRegistrationWorkflowResult>);
        } catch (e) {
          if (e instanceof WorkflowFailedError) {
            const app = appErrorFromFailure(e);
            if (app) throw app;
          }
          throw e;
        }
        if (!result) {
          res.status(202);
          return pending;
        }
        res.status(result.outcome === 'created' ? 201 : 200);
        return { outcome: result.outcome, workflowId: handle.workflowId, exporter: await exporterView(deps.orm.em.fork(), body.iec) };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/exporters/:iec',
      operationId: 'getExporter',
      summary: "An exporter's account: company data from the IEC master and the IEC's users",
      description: "Exporter users see only their own IEC (any other IEC answers 404, as if it did not exist); helpdesk and admin staff see any.",
      tags: ['exporters'],
      auth: ['exporter', 'helpdesk', 'admin'],
      params: iecParam,
      responses: { 200: { description: 'the account', schema: exporterSchema }, 404: { description: 'not registered, or not yours' } },
      handler: async ({ params, principal }) => {
        const em = deps.orm.em.fork();
        const notFound = new AppError(ErrorCode.NotFound, `No exporter account for IEC ${params.iec}.`);
        if (principal!.roles.includes('exporter') && principal!.iec !== params.iec) throw notFound;
        const actor = await actorOf(em, principal);
        if (actor.kind === 'exporter' && actor.iec !== params.iec) throw notFound;
        const view = await exporterView(em, params.iec);
        if (!view) throw notFound;
        return view;
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/exporters/:iec/users',
      operationId: 'mapExporterUser',
      summary: 'Map an additional user to the IEC (master user only)',
      description:
        "The person must be listed for the IEC in DGFT's IEC master (identified by e-mail; name and mobile come from there). " +
        'The mapping stays `pending_dsc` until that user proves it with a valid DSC carrying the IEC (POST /v1/me/dsc): seed 000, multi-user accountability. ' +
        'Idempotent: mapping the same person again returns the existing mapping (200).',
      tags: ['exporters'],
      auth: ['exporter'],
      params: iecParam,
      body: z.object({ email: z.email('An e-mail address is expected.').describe("the user's e-mail as listed in the IEC master") }),
      responses: {
        201: { description: 'mapped (pending the DSC proof)', schema: z.object({ outcome: z.string(), user: userSchema, nextStep: z.string().nullable() }) },
        200: { description: 'already mapped', schema: z.object({ outcome: z.string(), user: userSchema, nextStep: z.string().nullable() }) },
      },
      handler: async ({ params, body, principal, res }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        if (actor.kind !== 'exporter' || actor.iec !== params.iec) throw new AppError(ErrorCode.NotFound, `No exporter account for IEC ${params.iec}.`);
        const result = await mapExporterUser(em, actor, params.iec, body.email);
        res.status(result.outcome === 'existing' ? 200 : 201);
        return result;
      },
    }),

    defineRoute({
      method: 'delete',
      path: '/v1/exporters/:iec/users/:userId',
      operationId: 'removeExporterUser',
      summary: 'Remove an additional user from the IEC (master user only)',
      description: "The user can no longer act for the IEC, and the user's DSCs are no longer accepted. Idempotent.",
      tags: ['exporters'],
      auth: ['exporter'],
      params: z.object({ iec: iecSchema, userId: userIdSchema }),
      responses: { 200: { description: 'removed', schema: userSchema } },
      handler: async ({ params, principal }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        if (actor.kind !== 'exporter' || actor.iec !== params.iec) throw new AppError(ErrorCode.NotFound, `No exporter account for IEC ${params.iec}.`);
        return removeExporterUser(em, actor, params.iec, params.userId);
      },
    }),
  ];
}
