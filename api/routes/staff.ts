import { webApi } from '@slack/bolt';
import { z } from 'zod';
import { toBoltLogger } from '../../channels/slack/logger.js';
import { createRegistrationBoard } from '../../channels/slack/staff-registrations.js';
import { createStaffDecisionDeps } from '../../services/agency/staff-decision-deps.js';
import { administratorOnDuty } from '../../services/agency/offices.js';
import { approveRegistration, listRegistrations, listStaff, rejectRegistration, requestRegistration, updateStaff, type DecisionDeps } from '../../services/agency/staff.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

/**
 * Administrators and officers of an agency (seed 002 §3.I.i, vi, viii; §3.II): registration requests and
 * their decisions, then activation, deactivation and mapping to offices. `services/agency/staff.ts` holds the rules.
 */

const idParam = z.object({ id: z.uuid('a registration id is a UUID') });
const agencyParam = z.object({ agency: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'an agency code looks like EIC') });
const staffParam = z.object({ id: z.string().min(1).max(60).regex(/^[\w.@:-]+$/, 'a staff user id has letters, digits and . _ - @ :') });

const registrationView = z.object({
  id: z.string(),
  kind: z.enum(['administrator', 'officer']),
  requestedBy: z.string().describe("the applicant's sign-in (the token's subject): their staff user id once approved"),
  agencyCode: z.string(),
  officeCode: z.string().nullable(),
  name: z.string(),
  email: z.string(),
  designation: z.string(),
  letter: z.object({ fileName: z.string(), contentType: z.string(), sha256: z.string() }).nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
const staffView = z.object({
  id: z.string(),
  role: z.string(),
  name: z.string(),
  email: z.string(),
  designation: z.string(),
  agencyCode: z.string().nullable(),
  officeCode: z.string().nullable(),
  active: z.boolean(),
});

const decisionDeps = new WeakMap<ApiDeps, DecisionDeps>();
/**
 * One per API: the outbox notifier over the configured SMTP server, and with Slack configured (either mode) the
 * board that posts an officer's request in its office's channel and rewrites it with the decision. The Slack
 * bot's buttons (api/app.ts in HTTP mode) decide through the same.
 */
export function staffDecisionDeps(deps: ApiDeps): DecisionDeps {
  let d = decisionDeps.get(deps);
  if (!d) {
    const em = () => deps.orm.em.fork();
    const slack = deps.config.slack;
    const board = slack
      ? createRegistrationBoard({
          client: new webApi.WebClient(slack.botToken, {
            ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl.endsWith('/') ? slack.apiUrl : `${slack.apiUrl}/` } : {}),
            timeout: 10_000,
            retryConfig: { retries: 1, minTimeout: 500, maxTimeout: 1_000 },
            logger: toBoltLogger(deps.logger, 'slack-registrations'),
          }),
          em,
          logger: deps.logger,
        })
      : undefined;
    d = createStaffDecisionDeps({ em, smtpUrl: deps.config.mail.smtpUrl, from: deps.config.mail.from, portalUrl: deps.config.api.publicBaseUrl, logger: deps.logger, board });
    decisionDeps.set(deps, d);
  }
  return d;
}

export function staffRoutes(deps: ApiDeps) {
  const em = () => deps.orm.em.fork();
  return [
    defineRoute({
      method: 'post',
      path: '/v1/staff-registrations',
      operationId: 'requestStaffRegistration',
      summary: "Register as an agency's administrator (with the authorisation letter) or as an officer of one of its offices",
      description:
        'Seed 002 §3.I.i and §3.II.i: made by the signed-in person, whose sign-in becomes the staff user on approval. ' +
        "The e-mail must be an official one, on the agency's domain (that of its offices' e-mails). " +
        "An administrator attaches the authorisation letter on the agency's letterhead: a PDF (detected by its content), at most 1 MB, base64. " +
        "An administrator's request is decided by the platform administrator; an officer's by the agency's administrator.",
      tags: ['agency administration'],
      auth: ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'],
      body: z.object({
        kind: z.enum(['administrator', 'officer']),
        agencyCode: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'an agency code looks like EIC'),
        officeCode: z.string().regex(/^[A-Z]{2,10}-[A-Z]{3}$/, 'an office code looks like EIC-MUM').optional().describe('officers: their regional office'),
        name: z.string().trim().min(1).max(120),
        email: z.email().max(200).describe("your official e-mail, on the agency's domain"),
        designation: z.string().trim().min(1).max(120),
        letter: z.object({ fileName: z.string().min(1).max(200), contentB64: z.base64().max(1_400_000) }).optional().describe("administrators: the authorisation letter on the agency's letterhead (PDF)"),
      }),
      responses: {
        201: { description: 'the request, pending', schema: registrationView },
        409: { description: 'a request of yours is already pending, or you are already an active staff user' },
        422: { description: 'each problem named: agency, office, e-mail domain, letter' },
      },
      handler: async ({ body, principal, res }) => {
        const view = await requestRegistration(em(), principal!, body, staffDecisionDeps(deps).board);
        res.status(201).setHeader('Location', `/v1/staff-registrations/${view.id}`);
        return view;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/staff-registrations',
      operationId: 'listStaffRegistrations',
      summary: 'The registrations you decide: every request for the platform administrator, your agency\'s officers for its administrator',
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      query: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() }),
      responses: { 200: { description: 'the requests, oldest first', schema: z.object({ items: z.array(registrationView) }) } },
      handler: async ({ query, principal }) => ({ items: await listRegistrations(em(), await administratorOnDuty(em(), principal!), query.status) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff-registrations/:id/approve',
      operationId: 'approveStaffRegistration',
      summary: 'Approve a registration: the applicant becomes an active administrator of the agency, or an officer of the office; they are told by e-mail',
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: idParam,
      responses: {
        200: { description: 'approved', schema: registrationView },
        403: { description: "an administrator's request (the platform administrator's), or another agency's" },
        404: { description: 'no such request' },
        409: { description: 'already decided: by whom and when' },
      },
      handler: async ({ params, principal }) => approveRegistration(em(), staffDecisionDeps(deps), await administratorOnDuty(em(), principal!), params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/staff-registrations/:id/reject',
      operationId: 'rejectStaffRegistration',
      summary: 'Reject a registration with the reason the applicant reads in the e-mail',
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: idParam,
      body: z.object({ reason: z.string().trim().min(1).max(2000) }),
      responses: {
        200: { description: 'rejected', schema: registrationView },
        403: { description: "an administrator's request (the platform administrator's), or another agency's" },
        404: { description: 'no such request' },
        409: { description: 'already decided: by whom and when' },
      },
      handler: async ({ params, body, principal }) => rejectRegistration(em(), staffDecisionDeps(deps), await administratorOnDuty(em(), principal!), params.id, body.reason),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/agencies/:agency/staff',
      operationId: 'listAgencyStaff',
      summary: "The agency's administrators and officers, their offices and whether they are active",
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: agencyParam,
      responses: { 200: { description: 'the staff', schema: z.object({ items: z.array(staffView) }) }, 403: { description: 'another agency' }, 404: { description: 'no such agency' } },
      handler: async ({ params, principal }) => ({ items: await listStaff(em(), await administratorOnDuty(em(), principal!), params.agency) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/staff/:id',
      operationId: 'updateStaffUser',
      summary: 'Activate, deactivate or map an officer to an office of the agency (seed 002 §3.I.viii)',
      description:
        'A deactivated officer\'s decisions are refused at once, in the API and in Slack ("Your officer account is deactivated: …"), whatever their token says. ' +
        "Mapped to another office, the officer decides that office's files from the next request on: the staff row's office wins over the token's `officeCode`.",
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: staffParam,
      body: z.object({ active: z.boolean().optional(), officeCode: z.string().regex(/^[A-Z]{2,10}-[A-Z]{3}$/, 'an office code looks like EIC-MUM').optional() }).strict(),
      responses: { 200: { description: 'the staff user now', schema: staffView }, 403: { description: "another agency's staff" }, 404: { description: 'no such staff user' }, 422: { description: 'not an office of the agency' } },
      handler: async ({ params, body, principal }) => updateStaff(em(), await administratorOnDuty(em(), principal!), params.id, body),
    }),
  ];
}
