import { z } from 'zod';
import { AuditEvent } from '../../db/entities/audit-event.js';
import { ExporterUser } from '../../db/entities/exporter.js';
import { UserDsc, UserIdentityState } from '../../db/entities/identity.js';
import { StaffUserRow } from '../../db/entities/staff-user.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { CONTACT_DETAILS_FROM_IEC, differingContactDetails } from '../../domain/identity/check-contact-details.js';
import { isHelpdeskOrAdmin } from '../../services/identity/actors.js';
import { createDscChallenge, dscView, registerDsc } from '../../services/identity/dsc-registration.js';
import { nameAuditActors } from '../../services/identity/people-names.js';
import { identityStateOf, identityStateView, unfreezeUser } from '../../services/identity/freeze.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';
import { actorOf, base64Schema, dscSchema, identitySetupFor, identityStateSchema, userIdSchema, uuidSchema } from './identity-support.js';

const profileSchema = z.object({
  id: z.string(),
  kind: z.enum(['exporter', 'staff']),
  name: z.string().describe('profile name; must match the legal name in the DSC exactly (case aside)'),
  email: z.string(),
  mobile: z.string().nullable(),
  role: z.string(),
  status: z.string(),
  iec: z.string().nullable(),
  officeCode: z.string().nullable(),
  agencyCode: z.string().nullable(),
  identity: identityStateSchema,
  dscs: z.array(dscSchema),
});
const challengeSchema = z.object({
  challengeId: z.string(),
  contentBase64: z.string().describe('the exact bytes to sign (canonical JSON), base64'),
  contentSha256: z.string(),
  expiresAt: z.string(),
});

async function profileOf(em: EntityManager, userId: string) {
  const [exp, staff] = await Promise.all([em.findOne(ExporterUser, { id: userId }), em.findOne(StaffUserRow, { id: userId })]);
  if (!exp && !staff) return null;
  const [state, dscs] = await Promise.all([identityStateOf(em, userId), em.find(UserDsc, { userId }, { orderBy: { registeredAt: 'desc' } })]);
  const common = { identity: identityStateView(state), dscs: dscs.map(dscView) };
  if (exp) {
    return {
      id: exp.id,
      kind: 'exporter' as const,
      name: exp.name,
      email: exp.email,
      mobile: exp.mobile,
      role: exp.role,
      status: exp.status,
      iec: exp.iec,
      officeCode: null,
      agencyCode: null,
      ...common,
    };
  }
  return {
    id: staff!.id,
    kind: 'staff' as const,
    name: staff!.name,
    email: staff!.email,
    mobile: null,
    role: staff!.role,
    status: staff!.active ? 'active' : 'inactive',
    iec: null,
    officeCode: staff!.officeCode ?? null,
    agencyCode: staff!.agencyCode ?? null,
    ...common,
  };
}

export function identityRoutes(deps: ApiDeps) {
  const identity = identitySetupFor(deps);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/me',
      operationId: 'getMyProfile',
      summary: 'Your profile: name, contact details, DSCs and whether your verification is frozen',
      tags: ['identity'],
      auth: ['exporter', 'officer', 'agency-admin', 'helpdesk', 'admin'],
      responses: { 200: { description: 'your profile', schema: profileSchema } },
      handler: async ({ principal }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal, { allowPendingMapping: true });
        return (await profileOf(em, actor.userId))!;
      },
    }),

    defineRoute({
      method: 'patch',
      path: '/v1/me/contact-details',
      operationId: 'changeMyContactDetails',
      summary: 'Change e-mail or mobile: refused, they come from the IEC (seed 001 FAQ 5)',
      description:
        "An exporter user's e-mail and mobile number are those of DGFT's IEC master. A different value is refused with `contact_details_from_iec`: " +
        '"Kindly update the mobile number and email id by visiting DGFT website and apply for modification of IEC." The same values are accepted (no change).',
      tags: ['identity'],
      auth: ['exporter'],
      body: z.object({ email: z.string().optional(), mobile: z.string().optional() }),
      responses: { 200: { description: 'unchanged (the values sent are those of the IEC master)', schema: profileSchema } },
      handler: async ({ body, principal }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal, { allowPendingMapping: true });
        const user = await em.findOneOrFail(ExporterUser, { id: actor.userId });
        const fields = differingContactDetails(body, { email: user.email, mobile: user.mobile });
        if (fields.length) {
          throw new AppError(ErrorCode.ContactDetailsFromIec, CONTACT_DETAILS_FROM_IEC, {
            details: { iec: user.iec, fields, faq: 'seed 001, FAQ 5' },
            problems: fields.map((f) => ({ path: `body/${f}`, message: 'differs from the IEC master' })),
          });
        }
        return (await profileOf(em, actor.userId))!;
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/me/dsc/challenge',
      operationId: 'createDscChallenge',
      summary: 'Get a challenge to sign with the DSC you want to register',
      description:
        'Returns canonical bytes naming you (base64) and their SHA-256, valid for 10 minutes. Sign them with your DSC token ' +
        '(`npx tsx scripts/sign.ts --p12 <file> --password <pw> --in challenge.bin`) and send the signature with the certificate to POST /v1/me/dsc. ' +
        'For exporter users (also additional users whose mapping waits for this proof) and officers.',
      tags: ['identity'],
      auth: ['exporter', 'officer'],
      responses: { 201: { description: 'the challenge', schema: challengeSchema } },
      handler: async ({ principal, res }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal, { allowPendingMapping: true });
        const challenge = await createDscChallenge(em, actor, deps.config.mail.helpdeskAddress);
        res.status(201);
        return challenge;
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/me/dsc',
      operationId: 'registerMyDsc',
      summary: 'Register your DSC: certificate plus a signature over the challenge',
      description:
        'Every DSC rule is enforced, each with its own error code and a `detail` that says plainly which rule failed and what to do (`rule` names it), ending with the ' +
        'legacy eCoO error text where there was one (`legacyMessage`): `dsc_untrusted` (not issued by a trusted CA), `dsc_expired` (legacy "Expired Certificate"), ' +
        '`dsc_not_yet_valid`, `dsc_key_usage`, `dsc_class_not_allowed` (Class II/III only), `dsc_iec_not_matched` (legacy "IEC Not Matched, Kindly Insert Correct Token"; exporters only), ' +
        '`signature_invalid` (the challenge was not signed with this certificate\'s key). Then the identity-matching threshold: your profile name must match the DSC\'s ' +
        'name exactly (letter case aside); otherwise `dsc_name_mismatch` explains every difference and your automated verification is frozen until a helpdesk or ' +
        'admin user unfreezes it (`user_frozen` on every later attempt). For an additional exporter user this completes the mapping to the IEC. ' +
        'Idempotent: sending the same registration again returns the registered DSC (200).',
      tags: ['identity'],
      auth: ['exporter', 'officer'],
      body: z.object({
        challengeId: uuidSchema,
        certificate: z.string().min(1).max(100_000).describe('the DSC: PEM (-----BEGIN CERTIFICATE-----) or base64 DER'),
        signature: base64Schema('The signature').describe('detached CMS/PKCS#7 signature over the challenge bytes, base64 DER'),
      }),
      responses: {
        201: { description: 'registered', schema: z.object({ outcome: z.string(), dsc: dscSchema, userStatus: z.string().nullable() }) },
        200: { description: 'already registered', schema: z.object({ outcome: z.string(), dsc: dscSchema, userStatus: z.string().nullable() }) },
      },
      handler: async ({ body, principal, res }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal, { allowPendingMapping: true });
        const result = await registerDsc(em, await identity(), actor, body);
        res.status(result.outcome === 'registered' ? 201 : 200);
        return result;
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/me/dsc',
      operationId: 'listMyDscs',
      summary: 'Your registered DSCs',
      tags: ['identity'],
      auth: ['exporter', 'officer'],
      responses: { 200: { description: 'DSCs, newest first', schema: z.object({ items: z.array(dscSchema) }) } },
      handler: async ({ principal }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal, { allowPendingMapping: true });
        const rows = await em.find(UserDsc, { userId: actor.userId }, { orderBy: { registeredAt: 'desc' } });
        return { items: rows.map(dscView) };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/users',
      operationId: 'listUsersByIdentityState',
      summary: 'Users whose automated verification is frozen (helpdesk, admin)',
      tags: ['identity'],
      auth: ['helpdesk', 'admin'],
      query: z.object({ frozen: z.enum(['true', 'false']).default('true') }),
      responses: {
        200: {
          description: 'users, most recently frozen first',
          schema: z.object({ items: z.array(z.object({ userId: z.string(), userKind: z.string(), frozen: z.boolean(), frozenAt: z.string().nullable(), explanation: z.string().nullable() })) }),
        },
      },
      handler: async ({ query, principal }) => {
        const em = deps.orm.em.fork();
        await actorOf(em, principal);
        const rows = await em.find(UserIdentityState, { frozen: query.frozen === 'true' }, { orderBy: { frozenAt: 'desc' }, limit: 200 });
        return {
          items: rows.map((r) => ({ userId: r.userId, userKind: r.userKind, frozen: r.frozen, frozenAt: r.frozenAt?.toISOString() ?? null, explanation: r.frozen ? r.frozenReason : null })),
        };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/users/:id',
      operationId: 'getUserIdentity',
      summary: "A user's profile, DSCs, freeze state and identity history (helpdesk, admin)",
      tags: ['identity'],
      auth: ['helpdesk', 'admin'],
      params: z.object({ id: userIdSchema }),
      responses: {
        200: {
          description: 'the user',
          schema: profileSchema.extend({ history: z.array(z.object({ at: z.string(), action: z.string(), actor: z.string(), details: z.unknown() })) }),
        },
      },
      handler: async ({ params, principal }) => {
        const em = deps.orm.em.fork();
        await actorOf(em, principal);
        const profile = await profileOf(em, params.id);
        if (!profile) throw new AppError(ErrorCode.NotFound, `User ${params.id} does not exist.`);
        const events = await em.find(AuditEvent, { subjectId: params.id, subjectType: 'user' }, { orderBy: { id: 'desc' }, limit: 50 });
        // people by their names beside their ids: exporter actions were recorded by user id
        const history = await nameAuditActors(em, events.map((e) => ({ at: e.at.toISOString(), action: e.action, actor: e.actor, details: e.details })));
        return { ...profile, history };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/users/:id/unfreeze',
      operationId: 'unfreezeUser',
      summary: "Resolve a name-mismatch freeze: unfreeze a user's automated verification (helpdesk, admin)",
      description:
        'Records who, when and why (also in the audit trail). With `acceptCertificateName: true` the certificate (or Aadhaar) name that caused the freeze is ' +
        'accepted for this user from now on, after the helpdesk has verified the person by other means; otherwise the user must sign with a DSC whose name matches the profile. ' +
        'Unfreezing a user who is not frozen answers 409 `already_done`.',
      tags: ['identity'],
      auth: ['helpdesk', 'admin'],
      params: z.object({ id: userIdSchema }),
      body: z.object({
        reason: z.string().trim().min(10, 'Say why in at least 10 characters (it is recorded).').max(2000),
        acceptCertificateName: z.boolean().default(false),
      }),
      responses: { 200: { description: 'unfrozen', schema: z.object({ userId: z.string(), identity: identityStateSchema }) } },
      handler: async ({ params, body, principal }) => {
        const em = deps.orm.em.fork();
        const actor = await actorOf(em, principal);
        if (!isHelpdeskOrAdmin(actor)) throw new AppError(ErrorCode.Forbidden, 'Only helpdesk and admin users unfreeze users.');
        if (!(await profileOf(em, params.id))) throw new AppError(ErrorCode.NotFound, `User ${params.id} does not exist.`);
        const state = await unfreezeUser(em, { userId: params.id, by: actor.userId, byName: actor.name, reason: body.reason, acceptCertificateName: body.acceptCertificateName, channel: 'api' });
        return { userId: params.id, identity: identityStateView(state) };
      },
    }),
  ];
}
