/**
 * The authorisation matrix: every operation of the OpenAPI document × every role of lib/auth/roles.ts, and
 * the identities that are no one (no token, an expired token, a token without `exp`, a token signed by a
 * foreign key), each answered as the document's `x-roles` say:
 * - an identity that is no one: 401 problem+json (`unauthorized`) on every operation but the public ones;
 * - a role the operation does not list: 403 problem+json (`forbidden`, naming the roles it needs);
 * - a role it lists: anything but 401 and 403 (the request may still be refused as invalid, unknown or in
 *   conflict), never a 5xx; a public operation answers every identity that way too.
 * The document's `x-roles` are checked against the route declarations (RouteSpec.auth) they are generated from.
 *
 * The Slack actions that mirror an operation (the officers' approve, raise deficiency, reject; the helpdesk's
 * take, reply, resolve, lift a freeze) are tried by a Slack user linked to a staff user of each role, an officer of
 * another office and an unlinked Slack user: each is allowed exactly when the mirrored operation's `x-roles` allow
 * the role (and, for a decision, the officer belongs to the file's office), and a refusal changes nothing.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes, createApp } from '../../api/app.js';
import { authenticatorFromConfig } from '../../api/http/auth.js';
import { createApiServer } from '../../api/http/client-error.js';
import { ActionId, CallbackId, InputActionId, InputBlockId } from '../../channels/slack/ids.js';
import { encodeModalContext } from '../../channels/slack/blocks/modals.js';
import {
  ActionId as HelpdeskActionId,
  CallbackId as HelpdeskCallbackId,
  InputActionId as HelpdeskInputActionId,
  InputBlockId as HelpdeskInputBlockId,
  encodeModalContext as encodeTicketContext,
} from '../../channels/slack-helpdesk/blocks.js';
import { ApplicationRow, HelpdeskMessage, SlackUserLink } from '../../db/entities/index.js';
import { SLACK_EVENTS_PATH } from '../../channels/slack/app.js';
import { HELPDESK_SLACK_PATH } from '../../channels/slack-helpdesk/app.js';
import { ROLES, type Principal, type Role } from '../../lib/auth/roles.js';
import type { Config } from '../../lib/config.js';
import { ErrorCode } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { HELPDESK, startMailStack, type MailStack } from '../../scripts/lib/mail-stack.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { applicationWorkflowId, stateQuery } from '../../workflows/application/contract.js';
import { helpdeskTicketWorkflowId, ticketStateQuery } from '../../workflows/helpdesk-ticket/contract.js';
import {
  operationsOf,
  renderPath,
  Rng,
  runPool,
  sampleOf,
  sendRaw,
  stringMatching,
  type OpenApiDocument,
  type Operation,
  type Param,
  type WireOutcome,
  type WireRequest,
} from '../helpers/api-fuzz.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { FakeSlack } from '../helpers/slack-fake.js';
import { blockActions, checkboxValues, sendSigned, textValue, viewSubmission, type SlackRequest, type SlackResponse } from '../helpers/slack-sign.js';
import { api, testServices } from '../helpers/stack.js';
import { tinyPdf } from '../helpers/files.js';

const CONCURRENCY = 4;
const HANG_MS = 20_000;
const TEAM = 'T0AUTHZ';
const OFFICERS = { secret: 'authz-officers-signing-secret', botToken: 'xoxb-authz-officers' };
const HELPDESK_SLACK = { secret: 'authz-helpdesk-signing-secret', botToken: 'xoxb-authz-helpdesk', channel: 'C0AZHELP' };

/** The exporter of the Slack files (registered with a DSC of the test PKI, as in the other Slack tests). */
const RAJ = { sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', iec: 'AAACR5055K', mail: 'raj.sharma@rajkumarexports.example', dsc: 'exporter-raj' };

/** One principal per role: the tokens of the matrix (seeded staff; the exporter above). */
const PRINCIPALS: Record<Role, Principal> = {
  exporter: { sub: RAJ.sub, name: RAJ.name, roles: ['exporter'], iec: RAJ.iec },
  officer: { sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' },
  'agency-admin': { sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' },
  helpdesk: { sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] },
  admin: { sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] },
};
/** The identities that are no one: each must get 401 wherever a token is needed. */
const NOBODY = ['no token', 'expired', 'no exp', 'foreign key'] as const;
type Nobody = (typeof NOBODY)[number];
type Identity = Role | Nobody;

/**
 * Slack users of the test workspace, each linked (officers' app) or matched by e-mail (helpdesk app) to a seeded
 * staff user; the stranger is neither. Exporters are not staff: no Slack account acts for one.
 */
const SLACK_USERS = [
  { slackId: 'U0AZOFFICER', who: 'an officer of the office', staffId: 'officer-eic-mum', role: 'officer', officeCode: 'EIC-MUM', email: 'priya.deshpande@eicindia.example' },
  { slackId: 'U0AZKOCHI', who: 'an officer of another office', staffId: 'officer-eic-koc', role: 'officer', officeCode: 'EIC-KOC', email: 'thomas.varghese@eicindia.example' },
  { slackId: 'U0AZAGENCY', who: 'an agency administrator', staffId: 'admin-eic', role: 'agency-admin', email: 'rakesh.gupta@eicindia.example' },
  { slackId: 'U0AZHELPDESK', who: 'a helpdesk user', staffId: 'helpdesk-1', role: 'helpdesk', email: 'kavita.sharma@coo-helpdesk.example' },
  { slackId: 'U0AZADMIN', who: 'an administrator', staffId: 'platform-admin', role: 'admin', email: 'sanjay.verma@coo-platform.example' },
  { slackId: 'U0AZSTRANGER', who: 'an unlinked Slack user', staffId: undefined, role: undefined, email: 'someone@elsewhere.example' },
] as const;
type SlackUser = (typeof SLACK_USERS)[number];

const now = () => Math.floor(Date.now() / 1000);

describe('the authorisation matrix: every operation × every role, and the Slack actions', () => {
  let ms: MailStack;
  let officersFake: FakeSlack;
  let helpdeskFake: FakeSlack;
  let server: http.Server;
  let base: string;
  let pki: TestPki;
  let doc: OpenApiDocument;
  let operations: Operation[] = [];
  const tokens = {} as Record<Identity, string | undefined>;
  const byId = (id: string) => {
    const op = operations.find((o) => o.id === id);
    if (!op) throw new Error(`no operation ${id} in the OpenAPI document`);
    return op;
  };
  const allows = (operationId: string, role: string | undefined) => {
    const roles = byId(operationId).roles;
    return roles === 'public' || (role !== undefined && roles.includes(role));
  };

  /** A token signed with the stack's key (or `key`), with exactly these time claims. */
  async function rawToken(p: Principal, claims: { iat?: number; exp?: number }, key?: { kid: string; privateJwk: Record<string, unknown> }): Promise<string> {
    const k = key ?? ms.stack.devKey;
    const jwt = new SignJWT({ name: p.name, roles: p.roles })
      .setProtectedHeader({ alg: 'ES256', kid: k.kid })
      .setSubject(p.sub)
      .setIssuer(ms.stack.config.auth.issuer)
      .setAudience(ms.stack.config.auth.audience);
    if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(await importJWK(k.privateJwk as never, 'ES256'));
  }

  beforeAll(async () => {
    officersFake = await FakeSlack.start({ botToken: OFFICERS.botToken, teamId: TEAM });
    helpdeskFake = await FakeSlack.start({
      botToken: HELPDESK_SLACK.botToken,
      teamId: TEAM,
      users: SLACK_USERS.map((u) => ({ id: u.slackId, email: u.email, name: u.who })),
    });
    // the worker with mail (a ticket is opened by an exporter's mail) and the helpdesk's Slack app
    ms = await startMailStack({
      name: 'authz-matrix',
      services: testServices(),
      users: [{ address: RAJ.mail, password: 'raj-pw' }],
      slack: { apiUrl: helpdeskFake.url, botToken: HELPDESK_SLACK.botToken, signingSecret: HELPDESK_SLACK.secret, channel: HELPDESK_SLACK.channel },
    });
    pki = await testPki(ms.stack);

    // the API under test: both Slack apps in HTTP mode, their Web APIs at the fakes; the verification's rate limit
    // out of the way (the matrix is one client)
    const config: Config = {
      ...ms.stack.config,
      slack: { mode: 'http', botToken: OFFICERS.botToken, signingSecret: OFFICERS.secret, appToken: undefined, apiUrl: officersFake.url },
      helpdesk: {
        ...ms.stack.config.helpdesk,
        slack: { botToken: HELPDESK_SLACK.botToken, signingSecret: HELPDESK_SLACK.secret, channel: HELPDESK_SLACK.channel, apiUrl: helpdeskFake.url, staff: {} },
      },
      certificates: { ...ms.stack.config.certificates, verification: { ...ms.stack.config.certificates.verification, rateLimitPerMinute: 1_000_000, rateLimitBurst: 1_000_000 } },
    };
    const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', service: 'test:authz-matrix' });
    const authenticator = authenticatorFromConfig({ ...config.auth, jwksUrl: undefined }, ms.stack.devKey);
    const deps = { config, logger, orm: ms.stack.orm, temporal: ms.stack.client, authenticator };
    const app = createApp(deps);
    server = await new Promise((resolve) => {
      const s = createApiServer(app).listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const docAnswer = await api({ ...ms.stack, baseUrl: base }, 'GET', '/openapi.json');
    expect(docAnswer.status).toBe(200);
    doc = docAnswer.body as OpenApiDocument;
    operations = operationsOf(doc);
    // the document's roles are the route declarations' own
    const declared = Object.fromEntries(allRoutes(deps).map((r) => [r.operationId, r.auth === 'public' ? 'public' : [...r.auth].sort()]));
    expect(Object.fromEntries(operations.map((o) => [o.id, o.roles === 'public' ? 'public' : [...o.roles].sort()]))).toEqual(declared);

    for (const role of ROLES) tokens[role] = await ms.stack.token(PRINCIPALS[role]);
    tokens['no token'] = undefined;
    tokens.expired = await rawToken(PRINCIPALS.admin, { iat: now() - 2 * 3600, exp: now() - 3600 });
    tokens['no exp'] = await rawToken(PRINCIPALS.admin, { iat: now() });
    // the same kid as the service's key, the right issuer, audience and lifetime: only the signature is foreign
    const foreign = await generateKeyPair('ES256', { extractable: true });
    tokens['foreign key'] = await rawToken(PRINCIPALS.admin, { iat: now(), exp: now() + 600 }, { kid: ms.stack.devKey.kid, privateJwk: (await exportJWK(foreign.privateKey)) as Record<string, unknown> });

    // Slack: officers linked to the officers' app (helpdesk staff and the administrator too, as a stale or
    // hand-made link would be: the app must still refuse them); the helpdesk app matches by e-mail
    const em = ms.stack.orm.em.fork();
    await em.nativeDelete(SlackUserLink, { $or: [{ staffUserId: { $in: SLACK_USERS.flatMap((u) => (u.staffId ? [u.staffId] : [])) } }, { slackUserId: { $in: SLACK_USERS.map((u) => u.slackId) } }] });
    for (const u of SLACK_USERS) {
      if (u.staffId) em.create(SlackUserLink, { slackUserId: u.slackId, teamId: TEAM, staffUserId: u.staffId, via: 'admin', linkedBy: 'authz-matrix', createdAt: new Date() });
    }
    await em.flush();
    await registerWithDsc(ms.stack, pki, tokens.exporter!, RAJ.iec, RAJ.dsc);
  });

  afterAll(async () => {
    if (ms) await ms.stack.orm.em.fork().nativeDelete(SlackUserLink, { slackUserId: { $in: SLACK_USERS.map((u) => u.slackId) } });
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    await ms?.stop();
    await officersFake?.close();
    await helpdeskFake?.close();
  });

  // ---- the HTTP API ----

  /** Values no row has (so an allowed request reaches the operation and is refused there, changing nothing). */
  function segmentFor(op: Operation, p: Param, rng: Rng): string {
    if (p.name === 'iec') return RAJ.iec;
    if (op.template.startsWith('/v1/helpdesk/tickets/')) return 'HD-2099-999999';
    if (op.template.startsWith('/v1/certificates/')) return encodeURIComponent('EIC/2099/031/9999999A');
    if (op.template.startsWith('/v1/users/') || p.name === 'userId') return 'ZZZZZ9999Z-9';
    if (p.name === 'staffUserId') return 'authz-nobody';
    if (p.name === 'officeCode') return 'ZZZ-AZM';
    const s = (p.schema.pattern && stringMatching(p.schema.pattern, rng)) || (p.schema.format === 'uuid' || p.name === 'id' ? rng.uuid() : String(sampleOf(p.schema, rng, () => undefined, p.name)));
    return encodeURIComponent(s);
  }

  /** One valid-looking request per operation (the same for every identity). */
  function requestFor(op: Operation): WireRequest {
    const rng = new Rng(20261213).fork(`${op.method} ${op.template}`);
    const segments = Object.fromEntries(op.pathParams.map((p) => [p.name, segmentFor(op, p, rng)]));
    const query: [string, string][] = op.queryParams.filter((p) => p.required).map((p) => [p.name, encodeURIComponent(String(sampleOf(p.schema, rng, () => undefined, p.name)))]);
    // registration and the IEC refresh would wait on their workflow
    if (op.queryParams.some((p) => p.name === 'wait')) query.push(['wait', 'false']);
    const headers: Record<string, string> = {};
    let body: Buffer | undefined;
    if (op.jsonBody) {
      body = Buffer.from(JSON.stringify(sampleOf(op.jsonBody, rng, (name) => (name === 'iec' ? [RAJ.iec] : undefined))));
      headers['content-type'] = 'application/json';
    } else if (op.rawBody) {
      body = tinyPdf();
      headers['content-type'] = op.rawBody[0]!;
    }
    return { method: op.method, path: renderPath(op.template, segments, query), headers, ...(body ? { body } : {}) };
  }

  interface Verdict {
    op: Operation;
    identity: Identity;
    status: number;
    problem: string | undefined;
  }

  function judge(op: Operation, identity: Identity, outcome: WireOutcome): Verdict {
    const v = (problem: string | undefined, status = 0): Verdict => ({ op, identity, status, problem });
    if (outcome.kind !== 'answer') return v(outcome.kind === 'hang' ? `no answer within ${HANG_MS / 1000} s` : outcome.error);
    const { status, headers, body } = outcome.response;
    const text = body.toString('utf8');
    const said = () => `answered ${status}: ${text.slice(0, 240)}`;
    let problem: { code?: string; detail?: string; status?: number } = {};
    if (String(headers['content-type'] ?? '').startsWith('application/problem+json')) {
      try {
        problem = JSON.parse(text);
      } catch {
        return v(`a problem+json that is not JSON: ${said()}`, status);
      }
    }
    if (status >= 500) return v(said(), status);
    const refusedAs = (expected: 401 | 403, code: string): string | undefined => {
      if (status !== expected) return `expected ${expected}, ${said()}`;
      if (problem.code !== code || problem.status !== expected || !problem.detail) return `expected a problem+json with code ${code}, ${said()}`;
      return undefined;
    };
    if (op.roles === 'public' || (ROLES as readonly string[]).includes(identity) && op.roles.includes(identity)) {
      // allowed: past authentication and the role check (a valid-looking request may still be refused as such)
      return v(status === 401 || status === 403 ? `allowed by the document, ${said()}` : undefined, status);
    }
    if ((NOBODY as readonly string[]).includes(identity)) return v(refusedAs(401, ErrorCode.Unauthorized), status);
    const refused = refusedAs(403, ErrorCode.Forbidden);
    if (refused) return v(refused, status);
    return v(problem.detail?.includes(op.roles.join(', ')) ? undefined : `the 403 does not name the roles (${op.roles.join(', ')}): ${said()}`, status);
  }

  it('answers every operation × every identity as the OpenAPI document says', { timeout: 120_000 }, async () => {
    const identities: Identity[] = [...ROLES, ...NOBODY];
    const cases = operations.flatMap((op) => identities.map((identity) => ({ op, identity })));
    // deletions last, so an allowed deletion never takes a row another case reads
    cases.sort((a, b) => Number(a.op.method === 'DELETE') - Number(b.op.method === 'DELETE'));
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const verdicts: Verdict[] = [];
    const started = Date.now();
    try {
      await runPool(cases, CONCURRENCY, async ({ op, identity }) => {
        const req = requestFor(op);
        const token = tokens[identity];
        const sent = token ? { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } } : req;
        verdicts.push(judge(op, identity, await sendRaw(base, sent, { agent, timeoutMs: HANG_MS })));
      });
    } finally {
      agent.destroy();
    }
    const counts = new Map<number, number>();
    for (const v of verdicts) counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
    const summary = [...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    const publicOps = operations.filter((o) => o.roles === 'public').length;
    console.log(
      `authz matrix: ${operations.length} operations (${publicOps} public), ${identities.length} identities (${ROLES.length} roles, ${NOBODY.length} without a valid token), ` +
        `${verdicts.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; answers ${summary}`,
    );
    if (process.env.AUTHZ_MATRIX_REPORT) {
      // one line per operation: its roles, then each identity's answer
      const lines = operations.map((op) => {
        const answers = identities.map((i) => `${i}=${verdicts.find((v) => v.op === op && v.identity === i)?.status ?? '-'}`).join(' ');
        return `${op.id} ${op.method} ${op.template} [${op.roles === 'public' ? 'public' : op.roles.join(',')}] ${answers}`;
      });
      fs.writeFileSync(process.env.AUTHZ_MATRIX_REPORT, `${lines.join('\n')}\n`);
    }
    const failures = verdicts.filter((v) => v.problem).map((v) => `${v.op.id} (${v.op.method} ${v.op.template}, roles ${v.op.roles === 'public' ? 'public' : v.op.roles.join(',')}) as ${v.identity}: ${v.problem}`);
    expect(failures).toEqual([]);
    expect(verdicts.length).toBe(operations.length * identities.length);
    // every role is refused somewhere and allowed somewhere: the matrix is not one-sided
    for (const role of ROLES) {
      expect(verdicts.some((v) => v.identity === role && v.status === 403), `${role} refused somewhere`).toBe(true);
      expect(verdicts.some((v) => v.identity === role && v.op.roles !== 'public' && v.status !== 403), `${role} allowed somewhere`).toBe(true);
    }
  });

  // ---- Slack: the actions that mirror an operation ----

  const who = (u: SlackUser) => `${u.who} (${u.staffId ?? 'no staff user'})`;
  /** What the app told a Slack user since the fake's calls were cleared: ephemerals and direct messages. */
  const toldTo = (fake: FakeSlack, u: SlackUser) => [
    ...fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === u.slackId),
    ...fake.callsTo('chat.postMessage').filter((c) => c.args.channel === u.slackId),
  ].map((c) => String(c.args.text ?? ''));
  const modalsOpened = (fake: FakeSlack) => fake.callsTo('views.open').length;
  const sendTo = (path: string, secret: string, req: SlackRequest): Promise<SlackResponse> => sendSigned(`${base}${path}`, secret, req);

  describe("the officers' Slack app: a decision is the decision operation's, for an officer of the file's office", () => {
    const CHANNEL = 'C0AZEICMUM';
    const FILE_OFFICE = 'EIC-MUM';
    const send = (req: SlackRequest) => sendTo(SLACK_EVENTS_PATH, OFFICERS.secret, req);
    const click = (u: SlackUser, actionId: string, number: string) => send(blockActions({ teamId: TEAM, userId: u.slackId, actionId, value: number, channel: CHANNEL }));
    const submit = (u: SlackUser, callbackId: string, number: string, values: Record<string, Record<string, Record<string, unknown>>>) =>
      send(viewSubmission({ teamId: TEAM, userId: u.slackId, callbackId, viewId: `V0AZ${u.slackId.slice(3)}${callbackId.length}`, privateMetadata: encodeModalContext({ applicationNumber: number, channel: CHANNEL }), values }));
    const deficiencyValues = { [InputBlockId.remarks]: { [InputActionId.remarks]: textValue('The cost sheet is missing: attach it, signed by the exporter.') }, [InputBlockId.documents]: { [InputActionId.documents]: checkboxValues(['cost_sheet']) } };
    const rejectionValues = { [InputBlockId.reason]: { [InputActionId.reason]: textValue('The goods do not meet the rules of origin of the agreement.') } };

    /** Each Slack action and the operation it mirrors; `modal`: a button that only opens the decision's form. */
    const ACTIONS = [
      { name: 'Approve (button)', operationId: 'approveApplication', modal: false, run: (u: SlackUser, n: string) => click(u, ActionId.approve, n) },
      { name: 'Raise deficiency (button)', operationId: 'raiseDeficiency', modal: true, run: (u: SlackUser, n: string) => click(u, ActionId.deficiency, n) },
      { name: 'Reject (button)', operationId: 'rejectApplication', modal: true, run: (u: SlackUser, n: string) => click(u, ActionId.reject, n) },
      { name: 'Raise deficiency (form)', operationId: 'raiseDeficiency', modal: false, run: (u: SlackUser, n: string) => submit(u, CallbackId.deficiency, n, deficiencyValues) },
      { name: 'Reject (form)', operationId: 'rejectApplication', modal: false, run: (u: SlackUser, n: string) => submit(u, CallbackId.reject, n, rejectionValues) },
    ] as const;
    const mayDecide = (operationId: string, u: SlackUser) => allows(operationId, u.role) && 'officeCode' in u && u.officeCode === FILE_OFFICE;

    async function inProcess(): Promise<{ id: string; number: string }> {
      const draft = await createCompleteDraft(ms.stack, tokens.exporter!);
      await submitAndSign(ms.stack, pki, tokens.exporter!, draft.id, RAJ.dsc);
      await payAtGateway(ms.stack, tokens.exporter!, draft.id, 'success');
      await waitForStatus(ms.stack, tokens.exporter!, draft.id, 'In-Process');
      return { id: draft.id, number: draft.number };
    }
    async function fileState(f: { id: string; number: string }) {
      const s = await ms.stack.client.workflow.getHandle(applicationWorkflowId(f.number)).query(stateQuery);
      const row = await ms.stack.orm.em.fork().findOneOrFail(ApplicationRow, { id: f.id });
      return { status: s.status, decision: s.decision ?? null, deficiencies: s.deficiencies.length, readModel: row.status };
    }

    let files: { id: string; number: string }[] = [];
    beforeAll(async () => {
      files = await Promise.all([inProcess(), inProcess()]);
    });

    it('refuses every decision to every Slack user whose role or office the operation does not allow; nothing changes', { timeout: 60_000 }, async () => {
      const [file] = files as [{ id: string; number: string }];
      const before = await fileState(file);
      expect(before).toMatchObject({ status: 'In-Process', decision: null, readModel: 'In-Process' });
      const refusals: string[] = [];
      for (const u of SLACK_USERS) {
        for (const a of ACTIONS) {
          if (mayDecide(a.operationId, u)) continue;
          officersFake.clearCalls();
          const r = await a.run(u, file.number);
          expect(r.status, `${a.name} by ${who(u)}`).toBe(200);
          const told = toldTo(officersFake, u);
          expect(told.length, `${a.name} by ${who(u)}: told why`).toBe(1);
          expect(told[0], `${a.name} by ${who(u)}`).toMatch(u.role === 'officer' ? /Only officers of EIC - Mumbai/ : /not linked to an officer/);
          expect(modalsOpened(officersFake), `${a.name} by ${who(u)}: no form`).toBe(0);
          refusals.push(`${a.name} × ${u.who}`);
        }
      }
      // every role but the office's officer, the other office's officer and the stranger: 6 users - 1 allowed, 5 actions
      expect(refusals).toHaveLength((SLACK_USERS.length - 1) * ACTIONS.length);
      // over HTTP, the other office's officer (whose role the operation allows) is refused the same file
      const kochi = await ms.stack.token({ sub: 'officer-eic-koc', name: 'Thomas Varghese', roles: ['officer'], officeCode: 'EIC-KOC', agencyCode: 'EIC' });
      const overHttp = await api({ ...ms.stack, baseUrl: base }, 'POST', `/v1/applications/${file.id}/decisions/approve`, { token: kochi, body: {} });
      expect([403, 404], JSON.stringify(overHttp.body)).toContain(overHttp.status);
      expect(await fileState(file)).toEqual(before);
      expect(officersFake.callsTo('chat.update')).toEqual([]);
    });

    it('lets an officer of the office open the forms and decide: a deficiency from the form, an approval from the button', { timeout: 90_000 }, async () => {
      const [first, second] = files as [{ id: string; number: string }, { id: string; number: string }];
      const officer = SLACK_USERS.find((u) => u.staffId === 'officer-eic-mum')!;
      for (const a of ACTIONS) expect(mayDecide(a.operationId, officer), a.name).toBe(true);
      for (const a of ACTIONS.filter((x) => x.modal)) {
        officersFake.clearCalls();
        expect((await a.run(officer, first.number)).status).toBe(200);
        expect(modalsOpened(officersFake), `${a.name}: the form opens`).toBe(1);
        expect(toldTo(officersFake, officer)).toEqual([]);
      }
      expect((await submit(officer, CallbackId.deficiency, first.number, deficiencyValues)).status).toBe(200);
      expect(await fileState(first)).toMatchObject({ status: 'Deficient', decision: { kind: 'deficiency' }, deficiencies: 1 });
      expect((await click(officer, ActionId.approve, second.number)).status).toBe(200);
      const approved = await fileState(second);
      expect(approved.status).not.toBe('In-Process');
      expect(approved.decision).toMatchObject({ kind: 'approve', by: expect.objectContaining({ id: 'officer-eic-mum', channel: 'slack' }) });
    });
  });

  describe("the helpdesk's Slack app: each ticket action is the ticket operation's, for the roles it allows", () => {
    const send = (req: SlackRequest) => sendTo(HELPDESK_SLACK_PATH, HELPDESK_SLACK.secret, req);
    const CHANNEL = HELPDESK_SLACK.channel;
    const click = (u: SlackUser, actionId: string, n: string) => send(blockActions({ teamId: TEAM, userId: u.slackId, actionId, value: n, channel: CHANNEL }));
    const submit = (u: SlackUser, callbackId: string, n: string, values: Record<string, Record<string, Record<string, unknown>>>, viewId = `V0AZ${u.slackId.slice(3)}${callbackId.length}`) =>
      send(viewSubmission({ teamId: TEAM, userId: u.slackId, callbackId, viewId, privateMetadata: encodeTicketContext({ ticketNumber: n, channel: CHANNEL }), values }));
    const replyValues = (text: string) => ({ [HelpdeskInputBlockId.body]: { [HelpdeskInputActionId.body]: textValue(text) }, [HelpdeskInputBlockId.resolve]: { [HelpdeskInputActionId.resolve]: checkboxValues([]) } });
    const liftValues = { [HelpdeskInputBlockId.userId]: { [HelpdeskInputActionId.userId]: textValue(RAJ.sub) }, [HelpdeskInputBlockId.reason]: { [HelpdeskInputActionId.reason]: textValue('The DSC name was checked against the PAN by hand.') } };

    const ACTIONS = [
      { name: 'Take', operationId: 'takeHelpdeskTicket', modal: false, run: (u: SlackUser, n: string) => click(u, HelpdeskActionId.take, n) },
      { name: 'Reply (button)', operationId: 'replyToHelpdeskTicket', modal: true, run: (u: SlackUser, n: string) => click(u, HelpdeskActionId.reply, n) },
      { name: 'Resolve', operationId: 'resolveHelpdeskTicket', modal: false, run: (u: SlackUser, n: string) => click(u, HelpdeskActionId.resolve, n) },
      { name: 'Lift a freeze (button)', operationId: 'liftNameMismatchFreezeFromTicket', modal: true, run: (u: SlackUser, n: string) => click(u, HelpdeskActionId.liftFreeze, n) },
      { name: 'Reply (form)', operationId: 'replyToHelpdeskTicket', modal: false, run: (u: SlackUser, n: string) => submit(u, HelpdeskCallbackId.reply, n, replyValues('An answer that must not be sent.')) },
      { name: 'Lift a freeze (form)', operationId: 'liftNameMismatchFreezeFromTicket', modal: false, run: (u: SlackUser, n: string) => submit(u, HelpdeskCallbackId.liftFreeze, n, liftValues) },
    ] as const;
    const REFUSED = /Only helpdesk staff can|could not be matched to a staff user/;

    let ticketNumber = '';
    async function ticketState() {
      const t = await ms.ticket(ticketNumber);
      const live = await ms.stack.client.workflow.getHandle(helpdeskTicketWorkflowId(ticketNumber)).query(ticketStateQuery);
      return {
        status: t.status,
        assigneeId: t.assigneeId,
        resolvedAt: t.resolvedAt,
        messages: await ms.stack.orm.em.fork().count(HelpdeskMessage, { ticketNumber }),
        live: { status: live.status, assignee: live.assignee ?? null, outgoing: live.outgoing, events: live.events.length },
      };
    }

    beforeAll(async () => {
      const messageId = await ms.send({ from: `${RAJ.name} <${RAJ.mail}>`, to: HELPDESK, subject: 'Cannot see my submitted application', text: `My IEC is ${RAJ.iec}. The application list shows nothing since this morning.` });
      const ticket = await ms.waitFor('the ticket', () => ms.ticketForMessage(messageId));
      ticketNumber = ticket.number;
      // the acknowledgement sent and recorded: the ticket waits on staff, and nothing but staff changes it
      await ms.waitFor('the ticket workflow to wait on staff', async () => {
        const s = await ms.stack.client.workflow.getHandle(helpdeskTicketWorkflowId(ticketNumber)).query(ticketStateQuery).catch(() => null);
        return s && s.outgoing >= 1 && s;
      });
      await ms.waitFor('the acknowledgement in the ticket history', async () => (await ms.stack.orm.em.fork().count(HelpdeskMessage, { ticketNumber, kind: 'acknowledgement' })) >= 1);
    });

    it('refuses every ticket action to every Slack user whose role the operation does not allow; nothing changes', { timeout: 60_000 }, async () => {
      const before = await ticketState();
      expect(before.status).toBe('new');
      const refusals: string[] = [];
      for (const u of SLACK_USERS) {
        for (const a of ACTIONS) {
          if (allows(a.operationId, u.role)) continue;
          helpdeskFake.clearCalls();
          const r = await a.run(u, ticketNumber);
          expect(r.status, `${a.name} by ${who(u)}`).toBe(200);
          const told = toldTo(helpdeskFake, u);
          const formErrors = Object.values((r.json as { errors?: Record<string, string> } | undefined)?.errors ?? {});
          expect([...told, ...formErrors].join(' | '), `${a.name} by ${who(u)}: told why`).toMatch(REFUSED);
          expect(modalsOpened(helpdeskFake), `${a.name} by ${who(u)}: no form`).toBe(0);
          refusals.push(`${a.name} × ${u.who}`);
        }
      }
      // officers (both), the agency administrator and the stranger: 4 users × 6 actions
      expect(refusals).toHaveLength(4 * ACTIONS.length);
      expect(await ticketState()).toEqual(before);
    });

    it('lets helpdesk staff (helpdesk users and administrators) open the forms, take, answer and resolve', { timeout: 60_000 }, async () => {
      const staff = SLACK_USERS.filter((u) => ACTIONS.every((a) => allows(a.operationId, u.role)));
      expect(staff.map((u) => u.role)).toEqual(['helpdesk', 'admin']);
      for (const u of staff) {
        for (const a of ACTIONS.filter((x) => x.modal)) {
          helpdeskFake.clearCalls();
          expect((await a.run(u, ticketNumber)).status).toBe(200);
          expect(modalsOpened(helpdeskFake), `${a.name} by ${who(u)}: the form opens`).toBe(1);
          expect(toldTo(helpdeskFake, u)).toEqual([]);
        }
        // past the role check, the freeze is refused for what it is: the exporter is not frozen
        const lift = await submit(u, HelpdeskCallbackId.liftFreeze, ticketNumber, liftValues, `V0AZLIFT${u.slackId.slice(3)}`);
        expect(JSON.stringify(lift.json ?? {})).not.toMatch(REFUSED);
      }
      const [helpdesk, admin] = staff as [SlackUser, SlackUser];
      expect((await click(helpdesk, HelpdeskActionId.take, ticketNumber)).status).toBe(200);
      expect(await ticketState()).toMatchObject({ assigneeId: 'helpdesk-1', live: { status: 'assigned' } });
      const before = await ticketState();
      expect((await submit(admin, HelpdeskCallbackId.reply, ticketNumber, replyValues('Your application is listed under Submitted: the filter was set to Drafts.'))).status).toBe(200);
      const answered = await ticketState();
      expect(answered.live.outgoing).toBe(before.live.outgoing + 1);
      expect((await click(helpdesk, HelpdeskActionId.resolve, ticketNumber)).status).toBe(200);
      expect((await ticketState()).live.status).toBe('resolved');
    });
  });
});
