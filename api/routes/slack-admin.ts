import { z } from 'zod';
import { AgencyOfficeRow, StaffUserRow } from '../../db/entities/index.js';
import { SlackUserLink } from '../../db/entities/slack.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { Principal } from '../../lib/auth/roles.js';
import { TemporalSlackBackend } from '../../channels/slack/temporal-backend.js';
import { DEFAULT_COMMAND } from '../../channels/slack/ids.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

const staffParam = z.object({ staffUserId: z.string().min(1).max(60).describe('Staff user id, e.g. officer-eic-mum') });
const officeParam = z.object({ officeCode: z.string().regex(/^[A-Z]{2,10}-[A-Z]{3}$/, 'must be an office code such as EIC-MUM').describe('Office code') });
const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,19}$/, 'must be a Slack member ID such as U0123ABCD (profile → ⋮ → Copy member ID)');
const teamId = z.string().regex(/^[TE][A-Z0-9]{2,19}$/, 'must be a Slack workspace ID such as T0123ABCD');
const channelId = z.string().regex(/^[CG][A-Z0-9]{2,19}$/, 'must be a channel ID such as C0123ABCD (channel name → About → Channel ID), not its name');

const link = z.object({ slackUserId: z.string(), teamId: z.string().nullable(), via: z.enum(['admin', 'code']), linkedBy: z.string(), linkedAt: z.string() });
const staffWithLink = z.object({
  staffUserId: z.string(),
  name: z.string(),
  role: z.string(),
  agencyCode: z.string().nullable(),
  officeCode: z.string().nullable(),
  active: z.boolean(),
  slack: link.nullable(),
});
const office = z.object({ officeCode: z.string(), agencyCode: z.string(), name: z.string(), slackChannel: z.string().nullable() });

/** Agency administrators manage their own agency; platform administrators any. */
function agencyScope(p: Principal): string | undefined {
  if (p.roles.includes('admin')) return undefined;
  if (!p.agencyCode) throw new AppError(ErrorCode.Forbidden, 'Your administrator account is not mapped to an agency.');
  return p.agencyCode;
}

function linkView(l: SlackUserLink) {
  return { slackUserId: l.slackUserId, teamId: l.teamId, via: l.via as 'admin' | 'code', linkedBy: l.linkedBy, linkedAt: l.createdAt.toISOString() };
}

/**
 * The agency administrator's side of the officers' Slack bot: which Slack account acts as which
 * officer (directly, or through a one-time link code the officer types as `/coo link <code>`), and
 * the channel each office's files are posted in.
 */
export function slackAdminRoutes(deps: ApiDeps) {
  const backend = new TemporalSlackBackend({ temporal: deps.temporal, em: () => deps.orm.em.fork(), logger: deps.logger });

  async function staffInScope(p: Principal, id: string): Promise<StaffUserRow> {
    const scope = agencyScope(p);
    const staff = await deps.orm.em.fork().findOne(StaffUserRow, { id });
    // another agency's staff answer like unknown ones: nothing to learn by probing
    if (!staff || (scope !== undefined && staff.agencyCode !== scope)) throw new AppError(ErrorCode.NotFound, `No staff user ${id} in your agency.`);
    return staff;
  }

  async function officeInScope(p: Principal, code: string): Promise<AgencyOfficeRow> {
    const scope = agencyScope(p);
    const row = await deps.orm.em.fork().findOne(AgencyOfficeRow, { code });
    if (!row || (scope !== undefined && row.agencyCode !== scope)) throw new AppError(ErrorCode.NotFound, `No office ${code} in your agency.`);
    return row;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/v1/slack/staff',
      operationId: 'listSlackStaff',
      summary: "Officers and administrators of your agency, with the Slack account each is linked to",
      tags: ['slack administration'],
      auth: ['agency-admin', 'admin'],
      query: z.object({ officeCode: officeParam.shape.officeCode.optional() }),
      responses: { 200: { description: 'staff', schema: z.object({ staff: z.array(staffWithLink) }) } },
      handler: async ({ query, principal }) => {
        const scope = agencyScope(principal!);
        const em = deps.orm.em.fork();
        const staff = await em.find(
          StaffUserRow,
          { role: { $in: ['officer', 'agency-admin'] }, ...(scope !== undefined ? { agencyCode: scope } : {}), ...(query.officeCode ? { officeCode: query.officeCode } : {}) },
          { orderBy: { id: 'asc' } },
        );
        const links = await em.find(SlackUserLink, { staffUserId: { $in: staff.map((s) => s.id) } });
        return {
          staff: staff.map((s) => {
            const l = links.find((x) => x.staffUserId === s.id);
            return { staffUserId: s.id, name: s.name, role: s.role, agencyCode: s.agencyCode, officeCode: s.officeCode, active: s.active, slack: l ? linkView(l) : null };
          }),
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/slack/links/:staffUserId',
      operationId: 'linkSlackUser',
      summary: 'Link a Slack account to an officer (or an administrator, who then receives escalations there)',
      description: 'Replaces any earlier link of the staff user and of the Slack account. Without `teamId` the link holds in any workspace the app is installed in.',
      tags: ['slack administration'],
      auth: ['agency-admin', 'admin'],
      params: staffParam,
      body: z.object({ slackUserId, teamId: teamId.optional() }),
      responses: { 200: { description: 'linked', schema: staffWithLink } },
      handler: async ({ params, body, principal }) => {
        const staff = await staffInScope(principal!, params.staffUserId);
        if (staff.role !== 'officer' && staff.role !== 'agency-admin') {
          throw new AppError(ErrorCode.ValidationFailed, `${staff.id} is ${staff.role}: only officers and agency administrators are linked to Slack.`, { problems: [{ path: 'params/staffUserId', message: 'not an officer or agency administrator' }] });
        }
        const l = await backend.mapSlackUser({ staffUserId: staff.id, slackUserId: body.slackUserId, teamId: body.teamId, by: principal!.sub });
        return { staffUserId: staff.id, name: staff.name, role: staff.role, agencyCode: staff.agencyCode, officeCode: staff.officeCode, active: staff.active, slack: linkView(l) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/slack/links/:staffUserId',
      operationId: 'unlinkSlackUser',
      summary: "Remove a staff user's Slack link: that Slack account can no longer act",
      tags: ['slack administration'],
      auth: ['agency-admin', 'admin'],
      params: staffParam,
      responses: { 204: { description: 'unlinked' } },
      handler: async ({ params, principal }) => {
        const staff = await staffInScope(principal!, params.staffUserId);
        if (!(await backend.unlinkStaffUser(staff.id))) throw new AppError(ErrorCode.NotFound, `${staff.id} is not linked to a Slack account.`);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/slack/link-codes',
      operationId: 'issueSlackLinkCode',
      summary: 'Issue a one-time code an officer types in Slack (`/coo link <code>`) to link their account',
      description: 'Single use; expires after `ttlMinutes`; with `slackUserId`, only that Slack account can use it. Five wrong codes lock a Slack account out for an hour.',
      tags: ['slack administration'],
      auth: ['agency-admin', 'admin'],
      body: z.object({
        staffUserId: staffParam.shape.staffUserId,
        slackUserId: slackUserId.optional(),
        ttlMinutes: z.number().int().min(1, 'at least 1 minute').max(7 * 24 * 60, 'at most 7 days (10080 minutes)').default(60),
      }),
      responses: { 201: { description: 'issued', schema: z.object({ code: z.string(), staffUserId: z.string(), expiresAt: z.string(), command: z.string() }) } },
      handler: async ({ body, principal, res }) => {
        const staff = await staffInScope(principal!, body.staffUserId);
        if (staff.role !== 'officer' || !staff.officeCode || !staff.active) {
          throw new AppError(ErrorCode.ValidationFailed, `${staff.id} is not an active officer of an office: link codes are for officers (link administrators with PUT /v1/slack/links/${staff.id}).`, {
            problems: [{ path: 'body/staffUserId', message: 'not an active officer' }],
          });
        }
        const issued = await backend.issueLinkCode({ staffUserId: staff.id, slackUserId: body.slackUserId, ttlMs: body.ttlMinutes * 60_000, by: principal!.sub });
        res.status(201);
        return { code: issued.code, staffUserId: staff.id, expiresAt: issued.expiresAt.toISOString(), command: `${DEFAULT_COMMAND} link ${issued.code}` };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/slack/offices',
      operationId: 'listSlackOffices',
      summary: "Your agency's offices and the Slack channel each one's files are posted in",
      tags: ['slack administration'],
      auth: ['agency-admin', 'admin'],
      responses: { 200: { description: 'offices', schema: z.object({ offices: z.array(office) }) } },
      handler: async ({ principal }) => {
        const scope = agencyScope(principal!);
        const rows = await deps.orm.em.fork().find(AgencyOfficeRow, scope !== undefined ? { agencyCode: scope } : {}, { orderBy: { code: 'asc' } });
        return { offices: rows.map((o) => ({ officeCode: o.code, agencyCode: o.agencyCode, name: o.name, slackChannel: o.slackChannel ?? null })) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/slack/offices/:officeCode/channel',
      operationId: 'setSlackOfficeChannel',
      summary: "Set (or clear, with null) the Slack channel of an office's files",
      description: 'Invite the bot to the channel first (`/invite @CoO Officers`). Files already posted keep their message; new files go to the new channel.',
      tags: ['slack administration'],
      auth: ['agency-admin', 'admin'],
      params: officeParam,
      body: z.object({ channel: channelId.nullable() }),
      responses: { 200: { description: 'saved', schema: office } },
      handler: async ({ params, body, principal }) => {
        const row = await officeInScope(principal!, params.officeCode);
        await backend.setOfficeChannel(row.code, body.channel);
        return { officeCode: row.code, agencyCode: row.agencyCode, name: row.name, slackChannel: body.channel };
      },
    }),
  ];
}
