import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../lib/errors.js';
import type { Principal } from '../../lib/auth/roles.js';
import { LocalIecDirectory } from '../../services/iec/iec-directory.js';
import {
  deeplyNested,
  getAt,
  pathsOf,
  REMOVE,
  renderPath,
  Rng,
  runPool,
  sampleOf,
  sendRaw,
  sendWire,
  stringMatching,
  withAt,
  wrongValueFor,
  operationsOf,
  type KnownValues,
  type OpenApiDocument,
  type Operation,
  type Param,
  type WireOutcome,
  type WireRequest,
} from '../helpers/api-fuzz.js';
import { createCompleteDraft, type CompleteDraft } from '../helpers/drafts.js';
import { FakeSlack } from '../helpers/slack-fake.js';
import { slackSignature } from '../helpers/slack-sign.js';
import { testPki } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { tinyPdf } from '../helpers/files.js';

/**
 * A bounded fuzz of the whole HTTP API: every operation of the OpenAPI document (and Slack's two request URLs
 * and the public verification page, which the document does not list) gets a few dozen requests built from its
 * own schemas and then broken: hostile path segments, query values of the wrong type, JSON bodies with wrong
 * types, missing and extra fields, deep nesting, huge strings within and beyond the body limit, arrays for
 * objects, wrong Content-Types and encodings, invalid JSON, hostile headers, each with no token or the token of
 * an exporter, an officer, an administrator (and the other roles). Raw HTTP that Node's parser refuses is sent
 * byte for byte as well. Requests that would legitimately wait (registration, IEC refresh) say `wait=false`.
 *
 * Whatever comes in, the API answers: never a 5xx, never a hang (no answer within 10 s), and every error of the
 * JSON API is problem+json with a code of lib/errors.ts (Slack's endpoints and the HTML page answer in their own
 * formats: for them only the first two hold). The PRNG is seeded (API_FUZZ_SEED=<number> picks another
 * sequence), so a failure reproduces; each is printed with the request that caused it.
 */
const SEED = Number(process.env.API_FUZZ_SEED ?? 20261201);
if (!Number.isSafeInteger(SEED)) throw new Error(`API_FUZZ_SEED must be an integer, not ${process.env.API_FUZZ_SEED}`);
/** requests per operation; the whole file stays within about a minute on 2 cores */
const CASES_PER_OPERATION = Number(process.env.API_FUZZ_CASES ?? 44);
const CONCURRENCY = 6;
const HANG_MS = 10_000;
const BODY_LIMIT = 2 * 1024 * 1024; // express.json's limit in api/app.ts

/**
 * Operations whose 5xx answers are known and not fixed yet (operationId → the reason). Only their 5xx answers are
 * excused; every other operation must never answer 5xx, and hangs and non-problem errors are never excused.
 */
const KNOWN_5XX: Record<string, string> = {};

/** The test's own exporter (an IEC of its own in a copy of the IEC master), so nothing it does meets other files' rows. */
const IEC = 'AAFCZ7070F';
const iecRecord = {
  iec: IEC,
  pan: IEC,
  firmName: 'FUZZ TEST EXPORTS PRIVATE LIMITED',
  entityType: 'private_limited_company',
  dateOfIssue: '2016-04-01',
  status: 'active',
  email: 'exports@fuzz.example',
  mobile: '+91 9000000071',
  registeredAddress: { line1: '7 Fuzz Street', city: 'Pune', state: 'Maharashtra', pincode: '411001' },
  directors: [{ name: 'Farida Fuzz', designation: 'Director' }],
  branches: [{ branchCode: '01', address: { line1: '7 Fuzz Street', city: 'Pune', state: 'Maharashtra', pincode: '411001' }, gstin: null, state: 'Maharashtra', gstStateCode: '27', isSez: false }],
  aeoNumber: null,
  users: [
    { name: 'Farida Fuzz', email: 'farida.fuzz@fuzz.example', mobile: '+91 9000000072', role: 'master' },
    { name: 'Gopal Fuzz', email: 'gopal.fuzz@fuzz.example', mobile: '+91 9000000073', role: 'additional' },
  ],
};

const SLACK = { team: 'T0FUZZ', secret: 'fuzz-officers-signing-secret', botToken: 'xoxb-fuzz-officers', helpdeskSecret: 'fuzz-helpdesk-signing-secret', helpdeskBotToken: 'xoxb-fuzz-helpdesk' };

type TokenName = 'none' | 'exporter' | 'officer' | 'admin' | 'helpdesk' | 'agency-admin' | 'bad-claims';
const ROLE_TOKENS: TokenName[] = ['exporter', 'officer', 'admin', 'helpdesk', 'agency-admin'];

interface FuzzCase {
  op: Operation;
  kind: string;
  token: TokenName;
  req: WireRequest;
  /** sent byte for byte on its own connection instead (requests node:http cannot make) */
  wire?: Buffer;
  /** overrides the operation's: errors must be problem+json */
  problemJson?: boolean;
}
interface Failure {
  op: string;
  kind: string;
  token: TokenName;
  request: string;
  problem: string;
}

const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Path segments no route can use, as they go on the wire. */
const HOSTILE_SEGMENTS: readonly string[] = [
  '%', '%E0%A4%A', '%ZZ', '%00', 'abc%00def', '%C0%AF', '%FF%FE', '%u0041', '%25', '%2525',
  '..', '%2E%2E', '.', '%2F', '..%2F..%2Fetc%2Fpasswd', '%5C..%5C', 'a'.repeat(5000), '%F0%9F%98%80'.repeat(40), '%E2%80%AE', encodeURIComponent('टेस्ट-१२३'),
  '\xe9t\xe9', '0', '-1', '1e309', '99999999999999999999999', '1.5', 'NaN', 'true', 'null', 'undefined', '__proto__', 'constructor', 'hasOwnProperty',
  encodeURIComponent("' OR 1=1 --"), encodeURIComponent('"><script>alert(1)</script>'), '%20', '%09', '%0D%0A', '*', '~', 'a;b=c', 'a,b', '$%7Bjndi:x%7D', '%ED%A0%80',
];

/** Query values of the wrong type or shape, already encoded. */
const HOSTILE_QUERY_VALUES: readonly string[] = [
  '', 'fuzz', '-1', '0', '1.5', '1e309', 'NaN', 'Infinity', 'true', 'null', '[]', '{}', '%E0%A4%A', '%ZZ', '%', 'x'.repeat(4000),
  encodeURIComponent('😀'.repeat(30)), encodeURIComponent('2026-13-45'), encodeURIComponent('2026-02-30T25:61:00Z'), '99999999999999999999999', encodeURIComponent("' OR 1=1 --"),
  '%ED%A0%80', encodeURIComponent('\u202e'),
];

const INVALID_JSON: readonly string[] = [
  '{', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":1} trailing', '\ufeff{"a":1}', 'undefined', 'NaN', '{"a":NaN}', '{"a":0x10}', '{"a":"\\x41"}', '{"a":"\\u12"}', '[1,2', '"unterminated', '{"a":1}{"b":2}', '\u0000', ' ', '',
];

describe('the HTTP API under a bounded fuzz', () => {
  let stack: Stack;
  let fake: FakeSlack;
  let helpdeskFake: FakeSlack;
  /** every tab saved, still a draft: the tab routes' mutations reach every rule */
  let complete: CompleteDraft;
  /** complete and submitted: its workflow waits for the signature */
  let submitted: CompleteDraft;
  const tokens = {} as Record<TokenName, string | undefined>;
  const drafts: { id: string; number: string }[] = [];
  let challengeId: string | undefined;
  let operations: Operation[] = [];

  beforeAll(async () => {
    fake = await FakeSlack.start({ botToken: SLACK.botToken, teamId: SLACK.team });
    helpdeskFake = await FakeSlack.start({ botToken: SLACK.helpdeskBotToken, teamId: SLACK.team });
    stack = await startStack({
      name: 'api-fuzz',
      env: {
        // the public verification routes are rate-limited per client: the fuzz is one client
        VERIFY_RATE_LIMIT_PER_MINUTE: '1000000',
        VERIFY_RATE_LIMIT_BURST: '1000000',
        // both Slack apps in HTTP mode, their Web API at the fake
        SLACK_MODE: 'http',
        SLACK_BOT_TOKEN: SLACK.botToken,
        SLACK_SIGNING_SECRET: SLACK.secret,
        SLACK_API_URL: fake.url,
        HELPDESK_SLACK_BOT_TOKEN: SLACK.helpdeskBotToken,
        HELPDESK_SLACK_SIGNING_SECRET: SLACK.helpdeskSecret,
        HELPDESK_SLACK_CHANNEL: 'C0FUZZHELP',
        HELPDESK_SLACK_API_URL: helpdeskFake.url,
      },
    });
    // the trusted CAs of the DSC rules, so signatures are checked (and refused) as in production
    await testPki(stack);
    const master = JSON.parse(fs.readFileSync('db/fixtures/iec-master.json', 'utf8'));
    master.exporters.push(iecRecord);
    const fixture = path.join(stack.dir, 'iec-master.json');
    fs.writeFileSync(fixture, JSON.stringify(master, null, 2));
    await stack.startWorker({ iecDirectory: new LocalIecDirectory(fixture) });

    const mint = (p: Principal) => stack.token(p);
    tokens.none = undefined;
    tokens.exporter = await mint({ sub: `${IEC}-1`, name: 'Farida Fuzz', roles: ['exporter'], iec: IEC });
    tokens.officer = await mint({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    tokens.admin = await mint({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
    tokens.helpdesk = await mint({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    tokens['agency-admin'] = await mint({ sub: 'admin-eic', name: 'Rakesh Gupta', roles: ['agency-admin'], agencyCode: 'EIC' });
    // signed with the right key, but claims this service cannot use
    tokens['bad-claims'] = await mint({ sub: '', name: '', roles: ['root'], iec: 'lower-case' } as unknown as Principal);

    // real rows for the valid-looking requests to reach: the exporter's account, two drafts, a DSC challenge
    const reg = await api(stack, 'POST', '/v1/exporters', { token: tokens.exporter, body: { iec: IEC } });
    expect([200, 201], JSON.stringify(reg.body)).toContain(reg.status);
    for (let i = 0; i < 2; i++) {
      const d = await api(stack, 'POST', '/v1/applications', { token: tokens.exporter });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      drafts.push({ id: d.body.id, number: d.body.number });
    }
    // two with every tab saved, one of them submitted (its workflow waits for the signature)
    complete = await createCompleteDraft(stack, tokens.exporter);
    submitted = await createCompleteDraft(stack, tokens.exporter);
    const submission = await api(stack, 'POST', `/v1/applications/${submitted.id}/submit`, { token: tokens.exporter });
    expect(submission.status, JSON.stringify(submission.body)).toBe(202);
    const ch = await api(stack, 'POST', '/v1/me/dsc/challenge', { token: tokens.exporter });
    if (ch.status === 201) challengeId = ch.body.challengeId;

    const doc = await api(stack, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    operations = [...operationsOf(doc.body as OpenApiDocument), ...pagesAndSlack(), MALFORMED_HTTP];
  });
  afterAll(async () => {
    await stack?.stop();
    await fake?.close();
    await helpdeskFake?.close();
  });

  /** Real values the valid-looking requests use, by path (or body) parameter. */
  function knownPathValues(op: Operation, name: string, rng: Rng): string[] {
    const template = op.template;
    const digits = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
    if (name === 'iec') return [IEC, IEC, 'ZZZZZ9999Z'];
    if (template.startsWith('/v1/applications/') && name === 'id') {
      // the first draft is never deleted: the last check reads it
      const mine =
        op.method === 'DELETE'
          ? [drafts[1]!.id, drafts[1]!.number]
          : template.includes('/tabs/')
            ? [complete.id, complete.id, complete.id, complete.number, drafts[0]!.id, submitted.id]
            : [drafts[0]!.id, drafts[0]!.number, complete.id, submitted.id, submitted.id, submitted.number];
      return [...mine, rng.uuid(), `DRAFTCOOAPPLY9${digits(7)}AM27`];
    }
    if (name === 'attachmentId') return [rng.uuid()];
    if (template.startsWith('/v1/users/') || name === 'userId') return [`${IEC}-1`, `${IEC}-2`, `${IEC}-9`];
    if (template.startsWith('/v1/helpdesk/tickets/')) return [`HD-9999-9${digits(5)}`];
    if (template.startsWith('/v1/certificates/')) return [encodeURIComponent(`EIC/2099/031/9${digits(6)}A`), `EIC-2099-031-9${digits(6)}A`];
    if (name === 'staffUserId') return [`fuzz-staff-${digits(4)}`];
    if (name === 'officeCode') return ['ZZZ-FUZ'];
    return [];
  }
  const knownBodyValues: KnownValues = (name) => {
    if (name === 'iec') return [IEC];
    if (name === 'challengeId' && challengeId) return [challengeId];
    if (name === 'applicationId' || name === 'reference') return drafts.map((d) => d.id);
    return undefined;
  };

  /** What the OpenAPI document does not list: the verification page (HTML, a form post) and Slack's request URLs. */
  function pagesAndSlack(): Operation[] {
    const page = (method: string, formBody: boolean): Operation => ({
      id: `${method.toLowerCase()}VerificationPage`,
      method,
      template: '/verify',
      roles: 'public',
      pathParams: [],
      queryParams: [
        { name: 'no', required: false, schema: { type: 'string', pattern: '^[A-Z]{3}/20[0-9]{2}/[0-9]{3}/[0-9]{7}A$' } },
        { name: 't', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } },
      ],
      ...(formBody ? { rawBody: ['application/x-www-form-urlencoded'] } : {}),
      problemJson: false,
    });
    const slack = (id: string, template: string): Operation => ({ id, method: 'POST', template, roles: 'public', pathParams: [], queryParams: [], rawBody: ['application/json', 'application/x-www-form-urlencoded'], problemJson: false });
    return [page('GET', false), page('POST', true), slack('slackOfficerEvents', '/slack/events'), slack('slackHelpdeskEvents', '/slack/helpdesk/events')];
  }

  // ---- building requests ----

  function tokenFor(op: Operation, rng: Rng): TokenName {
    const allowed = op.roles === 'public' ? [] : ROLE_TOKENS.filter((t) => (op.roles as string[]).includes(t));
    if (allowed.length && rng.chance(0.7)) return rng.pick(allowed);
    return rng.pick<TokenName>(['none', 'exporter', 'officer', 'admin', 'helpdesk', 'agency-admin', 'bad-claims']);
  }

  interface Parts {
    segments: Record<string, string>;
    query: [string, string][];
    headers: Record<string, string>;
    body?: Buffer;
  }

  function validSegment(op: Operation, p: Param, rng: Rng): string {
    const known = knownPathValues(op, p.name, rng);
    if (known.length && rng.chance(0.85)) return rng.pick(known);
    const s = (p.schema.pattern && stringMatching(p.schema.pattern, rng)) || String(sampleOf(p.schema, rng, knownBodyValues, p.name));
    return encodeURIComponent(s);
  }

  function validQuery(op: Operation, rng: Rng): [string, string][] {
    const q: [string, string][] = [];
    for (const p of op.queryParams) {
      if (p.required || rng.chance(0.25)) q.push([p.name, encodeURIComponent(String(sampleOf(p.schema, rng, knownBodyValues, p.name)))]);
    }
    return q;
  }

  function validBody(op: Operation, rng: Rng): unknown {
    // a tab: mostly what the complete draft saved (every rule passes), so that the mutations reach each rule
    const tab = /\/tabs\/(\w+)$/.exec(op.template)?.[1] as keyof CompleteDraft['tabs'] | undefined;
    if (tab && complete.tabs[tab] && rng.chance(0.7)) return structuredClone(complete.tabs[tab]);
    return sampleOf(op.jsonBody, rng, knownBodyValues);
  }

  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  /** a small, well-formed-looking PDF: the upload routes' valid case */
  const PDF = tinyPdf();

  function defaults(op: Operation, rng: Rng): Parts {
    const segments = Object.fromEntries(op.pathParams.map((p) => [p.name, validSegment(op, p, rng)]));
    const parts: Parts = { segments, query: validQuery(op, rng), headers: {} };
    if (op.jsonBody) {
      parts.body = json(validBody(op, rng));
      parts.headers['content-type'] = 'application/json';
    } else if (op.rawBody) {
      parts.body = op.template === '/verify' ? Buffer.from('no=EIC%2F2099%2F031%2F9000001A&captcha=ABCD&captchaToken=x') : op.template.startsWith('/slack') ? json({ type: 'event_callback' }) : PDF;
      parts.headers['content-type'] = op.rawBody[0]!;
    }
    return parts;
  }

  /** One string leaf of a JSON value (or a new field at the top when there is none). */
  function someStringPath(value: unknown, rng: Rng): (string | number)[] {
    const strings = pathsOf(value).filter((p) => typeof getAt(value, p) === 'string');
    return strings.length ? rng.pick(strings) : ['fuzzExtra'];
  }

  type Mutator = { kind: string; once?: boolean; applies: (op: Operation) => boolean; apply: (parts: Parts, op: Operation, rng: Rng) => void };

  const hasBody = (op: Operation) => !!op.jsonBody;
  const objectBody = (op: Operation) => !!op.jsonBody && (op.jsonBody.type === 'object' || !!op.jsonBody.properties);
  const setJson = (parts: Parts, text: string | Buffer, contentType = 'application/json') => {
    parts.body = Buffer.isBuffer(text) ? text : Buffer.from(text);
    parts.headers['content-type'] = contentType;
  };
  const currentJson = (parts: Parts): unknown => (parts.body ? JSON.parse(parts.body.toString()) : {});

  const mutators: Mutator[] = [
    // path parameters
    {
      kind: 'path:hostile',
      applies: (op) => op.pathParams.length > 0,
      apply: (parts, op, rng) => {
        parts.segments[rng.pick(op.pathParams).name] = rng.pick(HOSTILE_SEGMENTS);
      },
    },
    {
      kind: 'path:lookalike',
      applies: (op) => op.pathParams.length > 0,
      apply: (parts, op, rng) => {
        const p = rng.pick(op.pathParams);
        const s = (p.schema.pattern && stringMatching(p.schema.pattern, rng)) || rng.uuid();
        parts.segments[p.name] = encodeURIComponent(rng.chance(0.5) ? s : s.toLowerCase());
      },
    },
    // query strings
    {
      kind: 'query:wrong-type',
      applies: (op) => op.queryParams.length > 0,
      apply: (parts, op, rng) => {
        const p = rng.pick(op.queryParams);
        parts.query = parts.query.filter(([k]) => k !== p.name);
        parts.query.push([p.name, rng.pick(HOSTILE_QUERY_VALUES)]);
      },
    },
    {
      kind: 'query:repeated-or-bracketed',
      applies: (op) => op.queryParams.length > 0,
      apply: (parts, op, rng) => {
        const p = rng.pick(op.queryParams);
        const v = encodeURIComponent(String(sampleOf(p.schema, rng)));
        parts.query = parts.query.filter(([k]) => k !== p.name);
        const form = rng.int(0, 3);
        if (form === 0) parts.query.push([p.name, v], [p.name, v]);
        else if (form === 1) parts.query.push([`${p.name}[]`, v]);
        else if (form === 2) parts.query.push([`${p.name}[a]`, v]);
        else parts.query.push([p.name, ''], [p.name, v], [p.name, 'fuzz']);
      },
    },
    {
      kind: 'query:missing-required',
      applies: (op) => op.queryParams.some((p) => p.required),
      apply: (parts, op) => {
        const required = new Set(op.queryParams.filter((p) => p.required).map((p) => p.name));
        parts.query = parts.query.filter(([k]) => !required.has(k));
      },
    },
    {
      kind: 'query:unknown-params',
      applies: () => true,
      apply: (parts, _op, rng) => {
        const extra = rng.pick<[string, string][]>([
          [['__proto__', 'x']],
          [['constructor', 'x'], ['prototype', 'y']],
          [['hasOwnProperty', '1'], ['toString', '1']],
          [['fuzzExtra', 'x'.repeat(3000)]],
          Array.from({ length: 300 }, (_, i) => [`p${i}`, String(i)] as [string, string]),
          [['%', '%'], ['a%ZZ', 'b']],
        ]);
        parts.query.push(...extra);
      },
    },
    // JSON bodies
    {
      kind: 'body:missing-required',
      applies: objectBody,
      apply: (parts, op, rng) => {
        const v = currentJson(parts);
        const required = (op.jsonBody!.required ?? []).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
        const nested = pathsOf(v).filter((p) => p.length > 1 && typeof p.at(-1) === 'string');
        const target = required.length && (rng.chance(0.7) || !nested.length) ? [rng.pick(required)] : nested.length ? rng.pick(nested) : undefined;
        if (rng.chance(0.2)) setJson(parts, '{}');
        else if (target) setJson(parts, json(withAt(v, target, REMOVE)));
        else setJson(parts, '{}');
      },
    },
    {
      kind: 'body:extra-fields',
      applies: hasBody,
      apply: (parts, _op, rng) => {
        const v = currentJson(parts);
        const extra = rng.pick(['{"fuzzExtra":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}', '{"isAdmin":true,"roles":["admin"],"status":"Approved","iec":"AAACR5055K"}']);
        if (v && typeof v === 'object' && !Array.isArray(v)) setJson(parts, JSON.stringify({ ...(v as object), ...JSON.parse(extra) }).replace(/^\{/, `{"__proto__":{"x":1},`));
        else setJson(parts, extra);
      },
    },
    {
      kind: 'body:wrong-type',
      applies: hasBody,
      apply: (parts, _op, rng) => {
        const v = currentJson(parts);
        const paths = pathsOf(v);
        if (!paths.length) return setJson(parts, json(wrongValueFor(v, rng)));
        let out = v;
        for (let n = rng.int(1, 3); n > 0; n--) {
          const p = rng.pick(paths);
          out = withAt(out, p, wrongValueFor(getAt(out, p), rng));
        }
        setJson(parts, json(out));
      },
    },
    {
      kind: 'body:array-for-object',
      applies: hasBody,
      apply: (parts, _op, rng) => {
        const v = currentJson(parts);
        const objects = pathsOf(v).filter((p) => {
          const x = getAt(v, p);
          return x !== null && typeof x === 'object' && !Array.isArray(x);
        });
        if (!objects.length || rng.chance(0.4)) return setJson(parts, json(rng.chance(0.5) ? [v] : [v, v]));
        const p = rng.pick(objects);
        setJson(parts, json(withAt(v, p, [getAt(v, p)])));
      },
    },
    {
      kind: 'body:scalar-top',
      applies: hasBody,
      apply: (parts, _op, rng) => setJson(parts, rng.pick(['null', '"fuzz"', '1', 'true', '[]', '[null]', '""'])),
    },
    {
      kind: 'body:invalid-json',
      applies: () => true,
      apply: (parts, _op, rng) => setJson(parts, rng.pick(INVALID_JSON), rng.pick(['application/json', 'application/json; charset=utf-8', 'application/merge-patch+json'])),
    },
    {
      kind: 'body:unicode',
      applies: hasBody,
      apply: (parts, _op, rng) => {
        const v = currentJson(parts);
        const p = someStringPath(v, rng);
        const s = rng.pick(['\ud800', 'a\udfffb', '\ud83d', 'e\u0301\u0301\u0301', '\u202e\u2066', '\u200b\u200d\ufeff', '𝓕𝓾𝔃𝔃'.repeat(50), 'ट्र'.repeat(100), '\u0001\u001f\u007f', '\\u0000 escaped']);
        // a lone surrogate goes on the wire as the escape, as a client's JSON.stringify writes it
        setJson(parts, json(withAt(v, p, s)));
      },
    },
    {
      kind: 'body:deep-object',
      once: true,
      applies: () => true,
      apply: (parts, op, rng) => {
        const depth = rng.pick([200, 2_000, 20_000]);
        const kind = rng.pick<'object' | 'array'>(['object', 'array']);
        if (!objectBody(op) || rng.chance(0.3)) return setJson(parts, deeplyNested(depth, kind));
        const v = currentJson(parts);
        const paths = pathsOf(v);
        const p = paths.length ? rng.pick(paths) : ['fuzzExtra'];
        const marker = '"__FUZZ_DEEP__"';
        setJson(parts, JSON.stringify(withAt(v, p, '__FUZZ_DEEP__')).replace(marker, deeplyNested(depth, kind)));
      },
    },
    {
      kind: 'body:deep-field',
      applies: objectBody,
      apply: (parts, _op, rng) => {
        const v = currentJson(parts);
        const paths = pathsOf(v);
        const p = paths.length ? rng.pick(paths) : ['fuzzExtra'];
        const marker = '"__FUZZ_DEEP__"';
        setJson(parts, JSON.stringify(withAt(v, p, '__FUZZ_DEEP__')).replace(marker, deeplyNested(rng.pick([100, 1_000, 5_000]), rng.pick(['object', 'array']))));
      },
    },
    {
      kind: 'body:huge-within-limit',
      once: true,
      applies: () => true,
      apply: (parts, op, rng) => {
        const v = op.jsonBody ? currentJson(parts) : {};
        const size = rng.int(BODY_LIMIT - 600_000, BODY_LIMIT - 100_000);
        setJson(parts, json(withAt(v, someStringPath(v, rng), 'x'.repeat(size))));
      },
    },
    {
      kind: 'body:huge-beyond-limit',
      once: true,
      applies: () => true,
      apply: (parts, op, rng) => {
        const v = op.jsonBody ? currentJson(parts) : {};
        setJson(parts, json(withAt(v, someStringPath(v, rng), 'y'.repeat(BODY_LIMIT + rng.int(1, 500_000)))));
      },
    },
    {
      kind: 'body:content-type',
      applies: (op) => hasBody(op) || !!op.rawBody,
      apply: (parts, _op, rng) => {
        const ct = rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', 'application/json; charset=latin1', '', 'none', 'application/octet-stream', '*/*', ';;;']);
        if (ct === 'none') delete parts.headers['content-type'];
        else parts.headers['content-type'] = ct;
        if (ct.startsWith('application/x-www-form-urlencoded') && rng.chance(0.5)) parts.body = Buffer.from('a=1&b[c]=2&__proto__[x]=1');
      },
    },
    {
      kind: 'body:encoding',
      applies: (op) => hasBody(op) || !!op.rawBody,
      apply: (parts, _op, rng) => {
        const enc = rng.pick(['gzip', 'deflate', 'br', 'x-fuzz', 'gzip, gzip', 'identity']);
        parts.headers['content-encoding'] = enc;
        const body = parts.body ?? Buffer.from('{}');
        const form = rng.int(0, 2);
        if (form === 0 && enc === 'gzip') parts.body = zlib.gzipSync(body);
        else if (form === 1 && enc === 'gzip') parts.body = zlib.gzipSync(Buffer.from(`{"a":"${'y'.repeat(BODY_LIMIT * 4)}"}`)); // a small bomb
        else parts.body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not compressed')]);
      },
    },
    {
      kind: 'body:unexpected',
      applies: (op) => !op.jsonBody && !op.rawBody,
      apply: (parts, _op, rng) => setJson(parts, rng.pick(['{"fuzz":1}', '[1,2,3]', '{', 'x=1'])),
    },
    // raw uploads
    {
      kind: 'raw:content',
      applies: (op) => !!op.rawBody && op.template.startsWith('/v1/'),
      apply: (parts, _op, rng) => {
        const random = (n: number) => Buffer.from(Array.from({ length: n }, () => rng.int(0, 255)));
        const magic = rng.pick([
          [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
          [0xff, 0xd8, 0xff], // JPEG
          [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
          [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // OLE (XLS)
          [0x50, 0x4b, 0x03, 0x04], // ZIP (XLSX)
          [0x50, 0x4b, 0x05, 0x06], // empty ZIP
          [0x4d, 0x5a],
          [],
        ]);
        const size = rng.pick([0, 1, 10, 511, 512, 513, 4096, 70_000]);
        parts.body = Buffer.concat([Buffer.from(magic), random(size)]);
        parts.headers['content-type'] = rng.pick(['application/pdf', 'application/octet-stream', 'image/jpeg', 'text/plain']);
      },
    },
    {
      kind: 'raw:too-large',
      once: true,
      applies: (op) => !!op.rawBody && op.template.startsWith('/v1/'),
      apply: (parts) => {
        parts.body = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024 + 10, 0x20)]);
        parts.headers['content-type'] = 'application/pdf';
      },
    },
    // headers
    {
      kind: 'header:hostile',
      applies: () => true,
      apply: (parts, _op, rng) => {
        const h = rng.pick<[string, string]>([
          ['if-match', 'W/"x"'],
          ['if-match', '"-1"'],
          ['if-match', '"1e309"'],
          ['if-match', '"99999999999999999999"'],
          ['if-match', `"${'9'.repeat(2000)}"`],
          ['if-match', '*'],
          ['if-none-match', 'garbage'],
          ['idempotency-key', 'k'.repeat(5000)],
          ['idempotency-key', '../../x'],
          ['x-request-id', '\xff\xfe'],
          ['x-request-id', 'r'.repeat(5000)],
          ['accept', 'application/xml'],
          ['range', 'bytes=abc'],
          ['x-forwarded-for', '1.2.3.4, ::1, garbage'],
        ]);
        parts.headers[h[0]] = h[1];
      },
    },
    {
      kind: 'auth:malformed',
      applies: (op) => op.roles !== 'public',
      apply: (parts, _op, rng) => {
        const token = tokens.admin!;
        const [header, payload] = token.split('.');
        const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
        parts.headers.authorization = rng.pick([
          'Bearer',
          'Bearer ',
          'Bearer  a.b.c',
          `Bearer ${'a'.repeat(8000)}`,
          'Basic Zm9vOmJhcg==',
          `Bearer ${none}`,
          `Bearer ${header}.${payload}.AAAA`,
          `Bearer ${token.slice(0, -2)}`,
          `Bearer ${token} ${token}`,
          `bearer ${Buffer.from('{"alg":"HS256"}').toString('base64url')}.e30.x`,
          'Bearer %00',
          `Bearer ${'\xe9'.repeat(10)}`,
        ]);
      },
    },
  ];

  function render(op: Operation, parts: Parts): WireRequest {
    return { method: op.method, path: renderPath(op.template, parts.segments, parts.query), headers: parts.headers, ...(parts.body !== undefined ? { body: parts.body } : {}) };
  }

  function withToken(req: WireRequest, token: TokenName): WireRequest {
    const t = tokens[token];
    if (!t || req.headers.authorization !== undefined) return req;
    return { ...req, headers: { ...req.headers, authorization: `Bearer ${t}` } };
  }

  /** Routes whose valid requests would legitimately wait: registration and IEC refresh are asked not to (`wait=false`). */
  function forcedQuery(op: Operation, parts: Parts): void {
    if (op.queryParams.some((p) => p.name === 'wait') && !parts.query.some(([k]) => k.startsWith('wait'))) parts.query.push(['wait', 'false']);
  }

  function casesOf(op: Operation, rng: Rng): FuzzCase[] {
    if (op.template.startsWith('/slack/')) return slackCases(op, rng);
    if (op === MALFORMED_HTTP) return malformedHttpCases(op);
    const out: FuzzCase[] = [];
    const make = (kind: string, mutate: ((parts: Parts) => void) | undefined, token: TokenName) => {
      const parts = defaults(op, rng);
      mutate?.(parts);
      forcedQuery(op, parts);
      out.push({ op, kind, token, req: withToken(render(op, parts), token) });
    };
    // the valid-looking request with every token
    for (const token of ['none', ...ROLE_TOKENS, 'bad-claims'] as TokenName[]) make('valid', undefined, token);
    const applicable = mutators.filter((m) => m.applies(op));
    for (const m of applicable) make(m.kind, (parts) => m.apply(parts, op, rng), tokenFor(op, rng));
    const repeatable = applicable.filter((m) => !m.once);
    while (out.length < CASES_PER_OPERATION && repeatable.length) {
      const m = rng.pick(repeatable);
      make(m.kind, (parts) => m.apply(parts, op, rng), tokenFor(op, rng));
    }
    return out;
  }

  /** Slack's request URLs: unsigned, wrongly signed, stale, and (signed with the right secret) hostile payloads. */
  function slackCases(op: Operation, rng: Rng): FuzzCase[] {
    const secret = op.id === 'slackHelpdeskEvents' ? SLACK.helpdeskSecret : SLACK.secret;
    const now = () => Math.floor(Date.now() / 1000);
    const out: FuzzCase[] = [];
    const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
    const payloads: [string, string][] = [
      ['application/json', '{"type":"url_verification"}'],
      ['application/json', '{"type":"url_verification","challenge":{"a":1}}'],
      ['application/json', '{"type":"event_callback"}'],
      ['application/json', `{"type":"event_callback","team_id":"${SLACK.team}","event":{"type":"app_home_opened","user":null}}`],
      ['application/json', `{"type":"event_callback","team_id":"${SLACK.team}","event":{"type":"message","text":${JSON.stringify('x'.repeat(5000))}}}`],
      ['application/json', '[]'],
      ['application/json', 'null'],
      ['application/json', '{'],
      ['application/json', deeplyNested(5000, 'object')],
      ['application/json', '{"type":"event_callback","team_id":"T0FUZZ","event":null}'],
      ['application/json', '{"type":"event_callback","team_id":"T0FUZZ","event":"app_home_opened"}'],
      ['application/json', `{"type":"event_callback","team_id":"${SLACK.team}","event":{"type":"member_joined_channel","user":7,"channel":null}}`],
      ['application/json', `{"type":"event_callback","team_id":"${SLACK.team}","event":{"type":"subteam_created","subteam":null}}`],
      ['application/json', '"event_callback"'],
      ['application/json', '42'],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'block_actions', user: null, team: null, actions: [] }) })],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U0FUZZ' }, team: 5, enterprise: 'E', actions: {} }) })],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'view_submission', user: { id: 'U0FUZZ' }, team: { id: SLACK.team }, view: null }) })],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'shortcut', user: 'U0FUZZ', team: { id: SLACK.team }, callback_id: 'x' }) })],
      ['application/x-www-form-urlencoded', form({ payload: 'null' })],
      ['application/x-www-form-urlencoded', form({ payload: '{' })],
      ['application/x-www-form-urlencoded', form({ payload: '{}' })],
      ['application/x-www-form-urlencoded', form({ payload: '[]' })],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'block_actions' }) })],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'block_actions', team: { id: SLACK.team }, user: { id: 'U0FUZZ' }, actions: [{ action_id: 'coo_approve', value: '../../x' }] }) })],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'block_actions', team: { id: SLACK.team }, user: { id: 'U0FUZZ' }, actions: [{ action_id: 'coo_approve', value: { a: 1 } }], container: {}, channel: { id: 'C0X' } }) })],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'view_submission', team: { id: SLACK.team }, user: { id: 'U0FUZZ' }, view: { callback_id: 'coo_reject_modal', private_metadata: '{', state: { values: null } } }) })],
      ['application/x-www-form-urlencoded', form({ payload: JSON.stringify({ type: 'view_submission', team: { id: SLACK.team }, user: { id: 'U0FUZZ' }, view: { callback_id: 'helpdesk_reply', private_metadata: 'HD-9999-999999', state: { values: {} } } }) })],
      ['application/x-www-form-urlencoded', form({ command: '/coo', text: '', team_id: SLACK.team, user_id: 'U0FUZZ' })],
      ['application/x-www-form-urlencoded', form({ command: '/coo', text: `link ${'9'.repeat(3000)}`, team_id: SLACK.team, user_id: 'U0FUZZ' })],
      ['application/x-www-form-urlencoded', form({ command: '/coo', text: 'DRAFTCOOAPPLY%00', team_id: SLACK.team, user_id: 'U0FUZZ', response_url: 'http://127.0.0.1:1/' })],
      ['application/x-www-form-urlencoded', 'payload=%E0%A4%A&x=%ZZ'],
      ['text/plain', '{"type":"url_verification","challenge":"x"}'],
    ];
    const add = (kind: string, headers: Record<string, string>, body: Buffer | undefined, method = 'POST') =>
      out.push({ op, kind, token: 'none', req: { method, path: op.template, headers, ...(body !== undefined ? { body } : {}) } });
    for (const [ct, body] of payloads) {
      add('slack:unsigned', { 'content-type': ct }, Buffer.from(body));
      add('slack:signed-hostile', { 'content-type': ct, 'x-slack-request-timestamp': String(now()), 'x-slack-signature': slackSignature(secret, now(), body) }, Buffer.from(body));
    }
    for (let i = 0; i < 10; i++) {
      const [ct, body] = rng.pick(payloads);
      const ts = now();
      const variant = rng.int(0, 5);
      const headers: Record<string, string> = { 'content-type': ct };
      if (variant === 0) Object.assign(headers, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature('not-the-secret', ts, body) });
      else if (variant === 1) Object.assign(headers, { 'x-slack-request-timestamp': String(ts - 600), 'x-slack-signature': slackSignature(secret, ts - 600, body) });
      else if (variant === 2) Object.assign(headers, { 'x-slack-request-timestamp': rng.pick(['abc', '-1', '1e309', '', '99999999999999999999']), 'x-slack-signature': 'v0=zz' });
      else if (variant === 3) Object.assign(headers, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': rng.pick(['', 'v0=', 'v1=abc', `v0=${'a'.repeat(5000)}`, 'v0=\xe9']) });
      else if (variant === 4) Object.assign(headers, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(secret, ts, `${body}x`) });
      else delete headers['content-type'];
      add('slack:bad-signature', headers, Buffer.from(body));
    }
    add('slack:huge', { 'content-type': 'application/json' }, Buffer.alloc(BODY_LIMIT + 100_000, 0x20));
    for (const method of ['GET', 'PUT', 'DELETE']) add('slack:method', {}, undefined, method);
    return out;
  }

  /** Requests Node's HTTP parser refuses before any route: they must get problem+json too. */
  const MALFORMED_HTTP: Operation = { id: 'malformedHttp', method: 'GET', template: '(raw HTTP)', roles: 'public', pathParams: [], queryParams: [], problemJson: true };

  function malformedHttpCases(op: Operation): FuzzCase[] {
    const out: FuzzCase[] = [];
    const targets = ['/v1/applications', '/v1/payments/callback', '/slack/events', '/verify'];
    const body = '{"method":"gateway"}';
    const requests: [string, string][] = [
      ['non-ASCII byte in the URL', 'GET {p}/\xe9t\xe9 HTTP/1.1\r\nHost: x\r\n'],
      ['space in the URL', 'GET {p}/a b HTTP/1.1\r\nHost: x\r\n'],
      ['control character in the URL', 'GET {p}/a\x01b HTTP/1.1\r\nHost: x\r\n'],
      ['URL beyond the header limit', `GET {p}/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n`],
      ['header beyond the header limit', `GET {p} HTTP/1.1\r\nHost: x\r\nX-Fuzz: ${'h'.repeat(20_000)}\r\n`],
      ['many headers', `GET {p} HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2500 }, (_, i) => `X-F${i}: ${i}\r\n`).join('')}`],
      ['Content-Length not a number', `POST {p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n${body}`],
      ['two Content-Lengths', `POST {p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\nContent-Length: ${body.length}\r\n\r\n${body}`],
      ['Content-Length and chunked', `POST {p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
      ['malformed chunk size', `POST {p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`],
      ['huge chunk size', `POST {p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n${body}\r\n0\r\n\r\n`],
      ['invalid header name', 'GET {p} HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n'],
      ['control character in a header', 'GET {p} HTTP/1.1\r\nHost: x\r\nX-Fuzz: a\x01b\r\n'],
      ['invalid method', 'FU@Z {p} HTTP/1.1\r\nHost: x\r\n'],
      ['unknown method', 'PROPFIND {p} HTTP/1.1\r\nHost: x\r\n'],
      ['unknown HTTP version', 'GET {p} HTTP/9.9\r\nHost: x\r\n'],
      ['no HTTP version', 'GET {p}\r\nHost: x\r\n'],
      ['bare LF line ends', 'GET {p} HTTP/1.1\nHost: x\n'],
      ['no Host header', 'GET {p} HTTP/1.1\r\n'],
      ['absolute-form URL', 'GET http://evil.example{p} HTTP/1.1\r\nHost: x\r\n'],
      ['asterisk-form URL', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n'],
      ['chunked JSON body', `POST {p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`],
    ];
    for (const p of targets) {
      for (const [kind, template] of requests) {
        let raw = template.replaceAll('{p}', p);
        if (!raw.includes('\r\n\r\n') && !raw.includes('\n\n')) raw += raw.endsWith('\n') && !raw.endsWith('\r\n') ? 'Connection: close\n\n' : 'Connection: close\r\n\r\n';
        else raw = raw.replace(/\r\n\r\n/, '\r\nConnection: close\r\n\r\n');
        // a request the parser accepts reaches the route: Slack's and the HTML page's answer in their own formats
        const reachesRoute = ['unknown method', 'absolute-form URL', 'asterisk-form URL', 'chunked JSON body', 'no Host header'].includes(kind);
        const problemJson = !(reachesRoute && (p.startsWith('/slack') || p.startsWith('/verify')));
        out.push({ op, kind: `http:${kind}`, token: 'none', req: { method: raw.split(' ')[0]!, path: `${p} (${kind})`, headers: {} }, wire: Buffer.from(raw, 'latin1'), problemJson });
      }
    }
    return out;
  }

  // ---- judging answers ----

  // a Node stack frame names a file by its absolute path ("at fn (/srv/app/x.js:12:3)", "at file:///srv/…:12:3"): a
  // sentence with a time of day in it ("answered at Mumbai on 07 Dec, 18:08:13") is not one
  const STACK_TRACE = /\bat (?:async )?[\w.<>$]+ \((?:file:\/\/)?\/[^)]*:\d+:\d+\)|\bat (?:file:\/\/)?\/[^\s)]+:\d+:\d+|node_modules\/|\.ts:\d+:\d+/;

  function describeRequest(c: FuzzCase): string {
    const shown = c.req.path.length > 160 ? `${c.req.path.slice(0, 160)}…(${c.req.path.length} chars)` : c.req.path;
    const headers = Object.entries(c.req.headers)
      .filter(([k]) => k !== 'authorization')
      .map(([k, v]) => `${k}: ${v.length > 60 ? `${v.slice(0, 60)}…` : v}`)
      .join('; ');
    const body = c.req.body === undefined ? '' : ` body(${c.req.body.length} bytes): ${JSON.stringify(c.req.body.subarray(0, 160).toString('latin1'))}`;
    return `${c.req.method} ${shown} [token ${c.token}${c.req.headers.authorization && c.kind === 'auth:malformed' ? ', malformed Authorization' : ''}] {${headers}}${body}`;
  }

  function judge(c: FuzzCase, outcome: WireOutcome): string | undefined {
    if (outcome.kind === 'hang') return `no answer within ${HANG_MS / 1000} s`;
    if (outcome.kind === 'error') return `the connection failed without an answer: ${outcome.error}`;
    const { status, headers, body } = outcome.response;
    const text = body.toString('utf8');
    if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
    if (STACK_TRACE.test(text)) return `the answer shows a stack trace: ${text.slice(0, 300)}`;
    if (status < 400 || !(c.problemJson ?? c.op.problemJson)) return undefined;
    const type = String(headers['content-type'] ?? '');
    if (!type.startsWith('application/problem+json')) return `error ${status} is ${type || 'without a Content-Type'}, not application/problem+json: ${text.slice(0, 200)}`;
    let problem: { code?: unknown; status?: unknown; detail?: unknown };
    try {
      problem = JSON.parse(text);
    } catch {
      return `error ${status} is not valid JSON: ${text.slice(0, 200)}`;
    }
    if (typeof problem.code !== 'string' || !ERROR_CODES.has(problem.code)) return `error ${status} has code ${JSON.stringify(problem.code)}, not one of lib/errors.ts`;
    if (problem.status !== status) return `error ${status} says status ${JSON.stringify(problem.status)}`;
    if (typeof problem.detail !== 'string' || problem.detail.length === 0) return `error ${status} has no detail`;
    return undefined;
  }

  it('answers every fuzzed request of every operation without a 5xx, a hang or an error outside problem+json', { timeout: 240_000 }, async () => {
    const rng = new Rng(SEED);
    console.log(`api fuzz: seed ${SEED} (rerun with API_FUZZ_SEED=${SEED}), ${operations.length} operations (${operations.filter((o) => o.problemJson && o !== MALFORMED_HTTP).length} of the OpenAPI document)`);
    const all = operations.flatMap((op) => casesOf(op, rng.fork(`${op.method} ${op.template}`)));
    // deletions last, so the drafts stay there for every other operation; otherwise a seeded shuffle
    const order = new Rng(SEED ^ 0x5eed);
    const shuffled = all.map((c) => [order.next(), c] as const).sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    const phases = [shuffled.filter((c) => c.op.method !== 'DELETE'), shuffled.filter((c) => c.op.method === 'DELETE')];

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    const byOperation = new Map<string, Map<number, number>>();
    const started = Date.now();
    let slowest = { ms: 0, what: '' };
    for (const phase of phases) {
      await runPool(phase, CONCURRENCY, async (c) => {
        const outcome = c.wire ? await sendWire(stack.baseUrl, c.wire, HANG_MS) : await sendRaw(stack.baseUrl, c.req, { agent, timeoutMs: HANG_MS });
        if (outcome.kind === 'answer') {
          const status = outcome.response.status;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const mine = byOperation.get(c.op.id) ?? new Map<number, number>();
          mine.set(status, (mine.get(status) ?? 0) + 1);
          byOperation.set(c.op.id, mine);
        }
        if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, what: `${c.op.id} ${c.kind}` };
        const problem = judge(c, outcome);
        if (problem) failures.push({ op: c.op.id, kind: c.kind, token: c.token, request: describeRequest(c), problem });
      });
    }
    agent.destroy();

    const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    console.log(`api fuzz: ${all.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (slowest ${slowest.ms} ms: ${slowest.what}); answers ${summary}`);
    const excused = (f: Failure) => !!KNOWN_5XX[f.op] && /^answered 5\d\d/.test(f.problem);
    for (const f of failures.filter(excused)) console.log(`api fuzz: known (${KNOWN_5XX[f.op]}): ${f.op} ${f.kind}: ${f.problem}`);
    const unexpected = failures.filter((f) => !excused(f));
    // one example per operation, kind and sort of problem, with how many requests showed it
    const groups = new Map<string, { n: number; example: Failure }>();
    for (const f of unexpected) {
      const key = `${f.op} (${f.kind}): ${f.problem.replace(/"requestId":"[^"]*"/, '').slice(0, 90)}`;
      const g = groups.get(key) ?? { n: 0, example: f };
      g.n++;
      groups.set(key, g);
    }
    const shown = [...groups.values()].slice(0, 60).map(({ n, example: f }) => `${n}× ${f.op} (${f.kind}): ${f.problem}\n    ${f.request}`);
    const perOperation = operations.map((op) => `${op.id}: ${[...(byOperation.get(op.id) ?? [])].sort(([a], [b]) => a - b).map(([st, n]) => `${st}×${n}`).join(' ')}`);
    if (process.env.API_FUZZ_REPORT) fs.writeFileSync(process.env.API_FUZZ_REPORT, [...shown, '', ...perOperation].join('\n'));
    expect(shown, `${unexpected.length} of ${all.length} requests failed (seed ${SEED})`).toEqual([]);
    expect(all.length).toBeGreaterThan(2000);
    // the fuzz is only worth something if it gets past authentication: every operation answered something else too
    const onlyRefused = operations.filter((op) => ![...(byOperation.get(op.id)?.keys() ?? [])].some((st) => st !== 401 && st !== 403));
    expect(onlyRefused.map((op) => op.id), 'operations whose every fuzzed request was refused as unauthenticated or forbidden').toEqual([]);
  });

  it('is still ready afterwards', async () => {
    const ready = await api(stack, 'GET', '/readyz');
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect((await api(stack, 'GET', `/v1/applications/${drafts[0]!.id}`, { token: tokens.exporter })).status).toBe(200);
  });
});
