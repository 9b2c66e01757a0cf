import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';

/**
 * The one place that reads the environment. Each entry point calls loadConfig() once and passes
 * the typed result down; nothing else touches process.env. A bad value stops start-up with the
 * variable's name and what is wrong with it.
 */
const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z.url().optional().or(z.literal('').transform(() => undefined));
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** '7 days', '15 minutes', '30s' (the `ms` format Temporal uses for durations) */
const DURATION = /^\s*\d+(\.\d+)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s*$/i;
const duration = z.string().regex(DURATION, 'a duration such as "7 days", "15 minutes" or "30 seconds"');
/**
 * Express's `trust proxy` (https://expressjs.com/en/guide/behind-proxies.html): false (the client is
 * the TCP peer; X-Forwarded-For is ignored), true (the left-most forwarded address), a number of proxy
 * hops, or a comma-separated list of proxy addresses and subnets, with the names loopback, linklocal
 * and uniquelocal.
 */
export type TrustProxy = boolean | number | string[];
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function proxyEntryOk(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (/^\d{1,3}$/.test(prefix)) return Number(prefix) <= (family === 4 ? 32 : 128);
  return family === 4 && net.isIPv4(prefix); // a netmask, 10.0.0.0/255.0.0.0
}
const trustProxy = z
  .string()
  .transform((v) => v.trim())
  .refine(
    (v) => /^(true|false|\d{1,2}|)$/i.test(v) || v.split(',').every((x) => proxyEntryOk(x.trim())),
    'false, true, a number of proxy hops, or a comma-separated list of proxy addresses and subnets (loopback, linklocal, uniquelocal, 10.0.0.0/8, 192.0.2.7)',
  )
  .transform((v): TrustProxy => {
    if (/^true$/i.test(v)) return true;
    if (/^(false|)$/i.test(v)) return false;
    if (/^\d+$/.test(v)) return Number(v) === 0 ? false : Number(v);
    return v.split(',').map((x) => x.trim());
  });

const durationList = z
  .string()
  .refine((v) => v.trim() === '' || v.split(',').every((d) => DURATION.test(d)), 'a comma-separated list of durations, e.g. "1 day,3 days"');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  TOOLS_DIR: z.string().min(1).default('.tools'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  PUBLIC_BASE_URL: optionalUrl,
  TRUST_PROXY: trustProxy.default(false),

  DATABASE_URL: optionalUrl,
  PG_PORT: port.default(5433),

  TEMPORAL_ADDRESS: z.string().optional().or(z.literal('').transform(() => undefined)),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: optionalUrl,
  // the payload codec (lib/temporal-codec.ts); checked by codecKeys(), which never prints a key
  TEMPORAL_CODEC_KEYS: z.string().optional().or(z.literal('').transform(() => undefined)),
  TEMPORAL_CODEC_KEY_ID: z.string().optional().or(z.literal('').transform(() => undefined)),
  TEMPORAL_CODEC_CORS_ORIGINS: z.string().optional().or(z.literal('').transform(() => undefined)),

  AUTH_ISSUER: z.string().min(1).default('coo-backoffice-dev'),
  AUTH_AUDIENCE: z.string().min(1).default('coo-backoffice'),
  AUTH_JWKS_URL: optionalUrl,
  AUTH_DEV_KEYS: bool.default(true),
  AUTH_MAX_TOKEN_LIFETIME: duration.default('12 hours'),

  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(50),

  DSC_TRUSTED_CA_FILE: z.string().optional().or(z.literal('').transform(() => undefined)),
  /** revocation of DSCs (OCSP, then CRL): off, fail-open (an unknown status is accepted with a warning) or fail-closed */
  DSC_REVOCATION: z.enum(['off', 'fail-open', 'fail-closed']).default('fail-open'),
  DSC_REVOCATION_MAX_AGE: duration.default('1 hour'),
  DSC_REVOCATION_TIMEOUT: duration.default('5 seconds'),
  DSC_IEC_OID: z
    .string()
    .regex(/^(\d+(\.\d+)+)?$/, 'a dotted OID such as 2.5.4.11 (OU) or 2.5.4.5 (serialNumber)')
    .default(''),
  DSC_IEC_PATTERN: z
    .string()
    .default('')
    .refine((v) => {
      try {
        return !v || (new RegExp(v), /\((?!\?)/.test(v));
      } catch {
        return false;
      }
    }, 'a regular expression whose first capture group is the IEC'),
  ESIGN_PROVIDER: z.enum(['sandbox', 'none']).default('sandbox'),
  ESIGN_SANDBOX_CERT_FILE: z.string().optional().or(z.literal('').transform(() => undefined)),
  ESIGN_SANDBOX_KEY_FILE: z.string().optional().or(z.literal('').transform(() => undefined)),
  ESIGN_ESP_CERT_FILES: z.string().optional().or(z.literal('').transform(() => undefined)),

  SMTP_URL: z.string().optional().or(z.literal('').transform(() => undefined)),
  MAIL_FROM: z.string().min(3).default('CoO Trade Connect <no-reply@coo.localhost>'),
  MAIL_DOMAIN: z.string().regex(/^[A-Za-z0-9.-]+$/).default('coo.localhost'),
  HELPDESK_ADDRESS: z.email().default('coo-helpdesk@coo.localhost'),
  REPLY_TOKEN_SECRET: z.string().min(16, 'at least 16 characters').default('development-only-reply-token-secret'),

  // the mail ingester (workers/mail-ingester.ts) and the helpdesk tickets: docs/email.md
  IMAP_URL: z.string().regex(/^imaps?:\/\//, 'imap://user:password@host:port or imaps://…').optional().or(z.literal('').transform(() => undefined)),
  IMAP_HOST: z.string().optional().or(z.literal('').transform(() => undefined)),
  IMAP_PORT: port.optional().or(z.literal('').transform(() => undefined)),
  IMAP_SECURE: bool.optional().or(z.literal('').transform(() => undefined)),
  IMAP_USER: z.string().optional().or(z.literal('').transform(() => undefined)),
  IMAP_PASSWORD: z.string().optional().or(z.literal('').transform(() => undefined)),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  MAIL_INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  MAIL_MAX_MESSAGE_MB: z.coerce.number().positive().max(200).default(30),
  HELPDESK_SLA: duration.default('4 hours'),
  HELPDESK_ESCALATE_EVERY: duration.optional().or(z.literal('').transform(() => undefined)),
  HELPDESK_CLOSE_AFTER_RESOLVED: duration.default('14 days'),
  HELPDESK_CLOSE_AFTER_NO_REPLY: duration.default('10 days'),
  HELPDESK_ESCALATION_EMAIL: z.email().optional().or(z.literal('').transform(() => undefined)),
  HELPDESK_SLACK_BOT_TOKEN: z.string().optional().or(z.literal('').transform(() => undefined)),
  HELPDESK_SLACK_SIGNING_SECRET: z.string().optional().or(z.literal('').transform(() => undefined)),
  HELPDESK_SLACK_CHANNEL: z.string().optional().or(z.literal('').transform(() => undefined)),
  HELPDESK_SLACK_API_URL: optionalUrl,
  HELPDESK_SLACK_STAFF: z
    .string()
    .default('')
    .refine((v) => v.trim() === '' || v.split(',').every((pair) => /^\s*[A-Z0-9]+\s*=\s*[A-Za-z0-9._-]+\s*$/.test(pair)), 'a comma-separated list of SlackUserId=staffUserId, e.g. "U0123=helpdesk-1"'),

  PAYMENT_GATEWAY_URL: optionalUrl,
  PAYMENT_SANDBOX: bool.default(true),

  APP_SIGNATURE_WINDOW: duration.default('7 days'),
  APP_PAYMENT_WINDOW: duration.default('7 days'),
  APP_PAYMENT_REMINDERS: durationList.default('1 day,3 days,6 days'),
  APP_RECONCILE_EVERY: duration.default('15 minutes'),
  APP_DEFICIENCY_WINDOW: duration.default('15 days'),
  APP_DEFICIENCY_REMINDERS: durationList.default('7 days,13 days'),
  APP_REVIEW_REMINDERS: durationList.default('2 days'),
  APP_REVIEW_ESCALATION: duration.default('5 days'),
  APP_CERTIFICATE_SIGNATURE_REMINDERS: durationList.default('1 day'),
  APP_CERTIFICATE_SIGNATURE_ESCALATION: duration.default('3 days'),

  // officers in Slack (channels/slack/README.md); unset SLACK_BOT_TOKEN: no Slack
  SLACK_MODE: z.enum(['http', 'socket']).default('http'),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be the bot token (xoxb-…) from OAuth & Permissions').optional().or(z.literal('').transform(() => undefined)),
  SLACK_SIGNING_SECRET: z.string().optional().or(z.literal('').transform(() => undefined)),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token (xapp-…) with connections:write').optional().or(z.literal('').transform(() => undefined)),
  SLACK_API_URL: optionalUrl,

  // certificates: the e-seal that signs the PDFs, the QR key, images, public verification (README "Certificates and verification")
  ESEAL_DIR: z.string().optional().or(z.literal('').transform(() => undefined)),
  ESEAL_P12_PASSWORD: z.string().optional().or(z.literal('').transform(() => undefined)),
  CERTIFICATE_IMAGES_DIR: z.string().optional().or(z.literal('').transform(() => undefined)),
  /** machine-drawn stand-ins for a missing stamp or signature image: development only (default true outside production) */
  CERTIFICATE_DEMO_IMAGES: bool.optional(),
  QR_SIGNING_KEY_FILE: z.string().optional().or(z.literal('').transform(() => undefined)),
  QR_SIGNING_KEY: z.string().optional().or(z.literal('').transform(() => undefined)),
  QR_KEY_ID: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, "_", "-" or "." (at most 64)').optional().or(z.literal('').transform(() => undefined)),
  QR_RETIRED_KEYS_FILE: z.string().optional().or(z.literal('').transform(() => undefined)),
  CAPTCHA_SECRET: z.string().min(16, 'at least 16 characters').default('development-only-captcha-secret'),
  CAPTCHA_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  VERIFY_RATE_LIMIT_PER_MINUTE: z.coerce.number().positive().default(30),
  VERIFY_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(30),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config {
  env: RawConfig['NODE_ENV'];
  logLevel: RawConfig['LOG_LEVEL'];
  dataDir: string;
  toolsDir: string;
  api: {
    host: string;
    port: number;
    publicBaseUrl: string;
    /** which peers may tell the client's address (X-Forwarded-For) to the API; false: none */
    trustProxy: TrustProxy;
  };
  db: { url: string | undefined; embeddedPort: number; embeddedDataDir: string };
  temporal: {
    /** set when an existing cluster is used; otherwise the project starts a dev server */
    address: string | undefined;
    namespace: string;
    port: number;
    uiPort: number;
    uiUrl: string;
    dbFile: string;
    /** the keys of the payload codec that encrypts what Temporal's history holds */
    codec: CodecKeys;
    /** origins (the Temporal Web UI's) allowed to call the API's codec endpoint from a browser */
    codecCorsOrigins: string[];
  };
  auth: {
    issuer: string;
    audience: string;
    jwksUrl: string | undefined;
    devKeys: boolean;
    devKeyFile: string;
    /** the longest a bearer token may be valid (exp - iat), as written ("12 hours") and in seconds */
    maxTokenLifetime: string;
    maxTokenLifetimeSeconds: number;
  };
  worker: { maxConcurrentActivities: number };
  identity: {
    /** PEM bundle of the certifying authorities whose DSCs are accepted */
    trustedCaFile: string;
    /** where the IEC sits in a DSC's subject (undefined: OU with the bare or "IEC:"-labelled code) */
    iecOid: string | undefined;
    iecPattern: string | undefined;
    /** revocation checks of DSCs (services/identity/revocation.ts) */
    revocation: { mode: 'off' | 'fail-open' | 'fail-closed'; maxAgeMs: number; timeoutMs: number };
    esign: {
      provider: 'sandbox' | 'none';
      sandboxCertFile: string;
      sandboxKeyFile: string;
      /** certificates of the eSign service providers whose signatures are accepted */
      espCertFiles: string[];
    };
  };
  mail: {
    /** smtp(s)://user:pass@host:port; unset: messages are kept in the outbox table and logged, not sent */
    smtpUrl: string | undefined;
    from: string;
    domain: string;
    helpdeskAddress: string;
    replyTokenSecret: string;
    /** the helpdesk mailbox the ingester watches; undefined when IMAP is not configured */
    imap: ImapSettings | undefined;
    ingest: { concurrency: number; maxMessageBytes: number };
  };
  helpdesk: {
    /** how long a ticket may wait on staff before it escalates */
    sla: string;
    escalateEvery: string | undefined;
    closeAfterResolved: string;
    /** how long a ticket answered by staff waits on the requester before it is closed */
    closeAfterNoReply: string;
    escalationEmail: string | undefined;
    slack: HelpdeskSlackSettings | undefined;
  };
  payment: { gatewayUrl: string; sandbox: boolean };
  /** the waits of the application workflow (workflows/application/contract.ts ApplicationTimings) */
  timings: {
    signatureWindow: string;
    paymentWindow: string;
    paymentReminders: string[];
    reconcileEvery: string;
    deficiencyWindow: string;
    deficiencyReminders: string[];
    reviewReminders: string[];
    reviewEscalation: string;
    certificateSignatureReminders: string[];
    certificateSignatureEscalation: string;
  };
  /** officers in Slack; undefined when SLACK_BOT_TOKEN is not set */
  slack: SlackSettings | undefined;
  certificates: CertificateSettings;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A production profile that refuses to run unsafe: every development convenience still switched on is
 * named with its variable and what to set instead (all of them at once, so one edit fixes the lot).
 */
function productionProblems(e: RawConfig): string[] {
  const p: string[] = [];
  if (e.AUTH_DEV_KEYS) p.push('AUTH_DEV_KEYS: the development signing keys are accepted (anyone can mint a token); set AUTH_DEV_KEYS=false and AUTH_JWKS_URL to your identity provider\'s keys');
  if (!e.AUTH_JWKS_URL) p.push('AUTH_JWKS_URL: no identity provider\'s keys are configured, so no token could be checked; set the JWKS URL of your identity provider');
  if (e.CERTIFICATE_DEMO_IMAGES === true) p.push('CERTIFICATE_DEMO_IMAGES: machine-drawn stamps and signatures would print on certificates; unset it (certificates wait for the uploaded images)');
  if (e.PAYMENT_SANDBOX) p.push('PAYMENT_SANDBOX: the sandbox payment gateway is selected (its checkout page pays anything); set PAYMENT_SANDBOX=false and PAYMENT_GATEWAY_URL');
  if (!e.PAYMENT_GATEWAY_URL) p.push('PAYMENT_GATEWAY_URL: without it payments go to the built-in sandbox gateway; set the payment gateway\'s URL');
  if (e.ESIGN_PROVIDER === 'sandbox') p.push('ESIGN_PROVIDER: the sandbox eSign provider is selected (it signs for anyone); set ESIGN_PROVIDER=none until a licensed eSign service provider is configured');
  if (!e.DSC_TRUSTED_CA_FILE) p.push('DSC_TRUSTED_CA_FILE: without it the development test PKI would be the trust store for digital signatures; set the file of the certifying authorities you trust (CCA India\'s)');
  if (e.REPLY_TOKEN_SECRET === 'development-only-reply-token-secret') p.push('REPLY_TOKEN_SECRET: set a secret of your own in production (it makes deficiency reply addresses unguessable)');
  if (e.CAPTCHA_SECRET === 'development-only-captcha-secret') p.push('CAPTCHA_SECRET: set a secret of your own in production (it signs the verification page\'s security codes)');
  return p;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`),
    );
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    const unsafe = productionProblems(e);
    if (unsafe.length) throw new ConfigError(unsafe);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const apiHostForUrl = e.API_HOST === '0.0.0.0' ? 'localhost' : e.API_HOST;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir,
    toolsDir: path.resolve(e.TOOLS_DIR),
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${apiHostForUrl}:${e.API_PORT}`).replace(/\/$/, ''),
      trustProxy: e.TRUST_PROXY,
    },
    db: { url: e.DATABASE_URL, embeddedPort: e.PG_PORT, embeddedDataDir: path.join(dataDir, 'postgres') },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
      dbFile: path.join(dataDir, 'temporal', 'temporal.sqlite'),
      codec: codecKeys(e),
      codecCorsOrigins: codecCorsOrigins(e),
    },
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      jwksUrl: e.AUTH_JWKS_URL,
      devKeys: e.AUTH_DEV_KEYS,
      devKeyFile: path.join(dataDir, 'auth', 'dev-signing-key.json'),
      ...tokenLifetime(e.AUTH_MAX_TOKEN_LIFETIME),
    },
    worker: { maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES },
    identity: identityConfig(e, dataDir),
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      domain: e.MAIL_DOMAIN,
      helpdeskAddress: e.HELPDESK_ADDRESS,
      replyTokenSecret: e.REPLY_TOKEN_SECRET,
      imap: imapSettings(e),
      ingest: { concurrency: e.MAIL_INGEST_CONCURRENCY, maxMessageBytes: Math.round(e.MAIL_MAX_MESSAGE_MB * 1024 * 1024) },
    },
    helpdesk: {
      sla: e.HELPDESK_SLA.trim(),
      escalateEvery: e.HELPDESK_ESCALATE_EVERY?.trim(),
      closeAfterResolved: e.HELPDESK_CLOSE_AFTER_RESOLVED.trim(),
      closeAfterNoReply: e.HELPDESK_CLOSE_AFTER_NO_REPLY.trim(),
      escalationEmail: e.HELPDESK_ESCALATION_EMAIL,
      slack: helpdeskSlackSettings(e),
    },
    payment: {
      gatewayUrl: (e.PAYMENT_GATEWAY_URL ?? `${(e.PUBLIC_BASE_URL ?? `http://${apiHostForUrl}:${e.API_PORT}`).replace(/\/$/, '')}/sandbox/gateway`).replace(/\/$/, ''),
      sandbox: e.PAYMENT_SANDBOX,
    },
    timings: {
      signatureWindow: e.APP_SIGNATURE_WINDOW.trim(),
      paymentWindow: e.APP_PAYMENT_WINDOW.trim(),
      paymentReminders: splitList(e.APP_PAYMENT_REMINDERS),
      reconcileEvery: e.APP_RECONCILE_EVERY.trim(),
      deficiencyWindow: e.APP_DEFICIENCY_WINDOW.trim(),
      deficiencyReminders: splitList(e.APP_DEFICIENCY_REMINDERS),
      ...officerDeadlines(e),
    },
    slack: slackSettings(e),
    certificates: certificateSettings(e, env, dataDir),
  };
}

/**
 * AES-256-GCM keys of the payload codec, by id. `currentKeyId` encrypts; every key decrypts what was
 * encrypted with it, so a rotation adds a new current key and keeps the old ones.
 */
export interface CodecKeys {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
  /** no TEMPORAL_CODEC_KEYS: the fixed development key (never in production) */
  development: boolean;
}

/** The key used outside production when TEMPORAL_CODEC_KEYS is unset: published here, so it protects nothing. */
export const DEVELOPMENT_CODEC_KEY_ID = 'dev';
export const DEVELOPMENT_CODEC_KEY_BASE64 = '7uMt7XefUGDuqqf5KVD4NR/oHJcNq5F/JLu/Q9pn68s=';
const CODEC_KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** TEMPORAL_CODEC_KEYS="id:base64key,…" and TEMPORAL_CODEC_KEY_ID; the errors name the entry, never its key. */
function codecKeys(e: RawConfig): CodecKeys {
  const production = e.NODE_ENV === 'production';
  if (!e.TEMPORAL_CODEC_KEYS) {
    if (production) {
      throw new ConfigError(['TEMPORAL_CODEC_KEYS: set the keys that encrypt Temporal payloads in production ("id:base64key", 32 random bytes each: openssl rand -base64 32)']);
    }
    if (e.TEMPORAL_CODEC_KEY_ID && e.TEMPORAL_CODEC_KEY_ID !== DEVELOPMENT_CODEC_KEY_ID) {
      throw new ConfigError([`TEMPORAL_CODEC_KEY_ID: "${e.TEMPORAL_CODEC_KEY_ID}" is not among TEMPORAL_CODEC_KEYS, which is unset (the development key's id is "${DEVELOPMENT_CODEC_KEY_ID}")`]);
    }
    return {
      currentKeyId: DEVELOPMENT_CODEC_KEY_ID,
      keys: new Map([[DEVELOPMENT_CODEC_KEY_ID, Buffer.from(DEVELOPMENT_CODEC_KEY_BASE64, 'base64')]]),
      development: true,
    };
  }
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  const entries = e.TEMPORAL_CODEC_KEYS.split(',').map((x) => x.trim()).filter(Boolean);
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon).trim() : '';
    const b64 = colon > 0 ? entry.slice(colon + 1).trim() : '';
    const which = `entry ${i + 1}${CODEC_KEY_ID.test(id) ? ` ("${id}")` : ''}`;
    if (!CODEC_KEY_ID.test(id) || !b64) {
      problems.push(`TEMPORAL_CODEC_KEYS: ${which} is not "id:base64key" (an id of letters, digits, ".", "_" or "-", then a colon and the key in base64)`);
      return;
    }
    if (keys.has(id)) {
      problems.push(`TEMPORAL_CODEC_KEYS: the key id "${id}" appears twice`);
      return;
    }
    const key = BASE64.test(b64) ? Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64') : undefined;
    if (!key || key.length !== 32) {
      problems.push(`TEMPORAL_CODEC_KEYS: the key of ${which} is ${key ? `${key.length} bytes` : 'not base64'}; AES-256 needs 32 bytes (openssl rand -base64 32)`);
      return;
    }
    keys.set(id, key);
  });
  if (entries.length === 0) problems.push('TEMPORAL_CODEC_KEYS: no key in the list');
  if (problems.length) throw new ConfigError(problems);
  let currentKeyId = e.TEMPORAL_CODEC_KEY_ID;
  if (!currentKeyId) {
    if (keys.size > 1) throw new ConfigError([`TEMPORAL_CODEC_KEY_ID: say which of TEMPORAL_CODEC_KEYS (${[...keys.keys()].join(', ')}) encrypts new payloads`]);
    currentKeyId = [...keys.keys()][0]!;
  }
  if (!keys.has(currentKeyId)) {
    throw new ConfigError([`TEMPORAL_CODEC_KEY_ID: "${currentKeyId}" is not among TEMPORAL_CODEC_KEYS (${[...keys.keys()].join(', ')})`]);
  }
  if (production && keys.get(currentKeyId)!.equals(Buffer.from(DEVELOPMENT_CODEC_KEY_BASE64, 'base64'))) {
    throw new ConfigError(['TEMPORAL_CODEC_KEY_ID: the current key is the published development key; set a key of your own in production']);
  }
  return { currentKeyId, keys, development: false };
}

/** Default: the Web UI's own origin and the dev server's UI on localhost and 127.0.0.1. */
function codecCorsOrigins(e: RawConfig): string[] {
  if (e.TEMPORAL_CODEC_CORS_ORIGINS) {
    const list = e.TEMPORAL_CODEC_CORS_ORIGINS.split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean);
    const bad = list.filter((o) => {
      try {
        return new URL(o).origin !== o;
      } catch {
        return true;
      }
    });
    if (bad.length) throw new ConfigError([`TEMPORAL_CODEC_CORS_ORIGINS: ${bad.join(', ')} ${bad.length > 1 ? 'are not origins' : 'is not an origin'} (scheme://host[:port], e.g. https://temporal-ui.example.gov.in)`]);
    return list;
  }
  const origins = [`http://localhost:${e.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`];
  if (e.TEMPORAL_UI_URL) origins.unshift(new URL(e.TEMPORAL_UI_URL).origin);
  return [...new Set(origins)];
}

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
}

export interface HelpdeskSlackSettings {
  botToken: string;
  signingSecret: string;
  channel: string;
  apiUrl: string | undefined;
  /** Slack user ID → staff user id, for staff whose Slack e-mail differs from their staff e-mail */
  staff: Record<string, string>;
}

/** IMAP_URL, or IMAP_HOST/IMAP_USER/IMAP_PASSWORD (the separate variables override the URL's parts). */
function imapSettings(e: RawConfig): ImapSettings | undefined {
  const url = e.IMAP_URL ? new URL(e.IMAP_URL) : undefined;
  const host = e.IMAP_HOST ?? url?.hostname;
  if (!host) return undefined;
  const secure = e.IMAP_SECURE ?? url?.protocol === 'imaps:';
  const user = e.IMAP_USER ?? (url ? decodeURIComponent(url.username) : '');
  const password = e.IMAP_PASSWORD ?? (url ? decodeURIComponent(url.password) : '');
  if (!user || !password) throw new ConfigError(['IMAP_USER/IMAP_PASSWORD: the helpdesk mailbox needs a user and a password (or put them in IMAP_URL)']);
  const urlPath = url ? decodeURIComponent(url.pathname.replace(/^\//, '')) : '';
  return { host, port: e.IMAP_PORT ?? (url?.port ? Number(url.port) : secure ? 993 : 143), secure, user, password, mailbox: urlPath || e.IMAP_MAILBOX };
}

function helpdeskSlackSettings(e: RawConfig): HelpdeskSlackSettings | undefined {
  if (!e.HELPDESK_SLACK_BOT_TOKEN) return undefined;
  if (!e.HELPDESK_SLACK_SIGNING_SECRET || !e.HELPDESK_SLACK_CHANNEL) {
    throw new ConfigError(['HELPDESK_SLACK_SIGNING_SECRET, HELPDESK_SLACK_CHANNEL: both are needed with HELPDESK_SLACK_BOT_TOKEN']);
  }
  const staff: Record<string, string> = {};
  for (const pair of e.HELPDESK_SLACK_STAFF.split(',').filter((x) => x.trim() !== '')) {
    const [slackId, staffId] = pair.split('=').map((x) => x.trim());
    if (slackId && staffId) staff[slackId] = staffId;
  }
  return { botToken: e.HELPDESK_SLACK_BOT_TOKEN, signingSecret: e.HELPDESK_SLACK_SIGNING_SECRET, channel: e.HELPDESK_SLACK_CHANNEL, apiUrl: e.HELPDESK_SLACK_API_URL, staff };
}

export interface SlackSettings {
  /** http: Slack calls <PUBLIC_BASE_URL>/slack/events; socket: a WebSocket from `npm start`, no public URL */
  mode: 'http' | 'socket';
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  /** Web API base URL (tests: a local fake) */
  apiUrl: string | undefined;
}

function slackSettings(e: RawConfig): SlackSettings | undefined {
  if (!e.SLACK_BOT_TOKEN) return undefined;
  if (e.SLACK_MODE === 'http' && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError(['SLACK_SIGNING_SECRET: HTTP mode needs the app\'s signing secret (Basic Information → App Credentials); or set SLACK_MODE=socket with SLACK_APP_TOKEN']);
  }
  if (e.SLACK_MODE === 'socket' && !e.SLACK_APP_TOKEN) {
    throw new ConfigError(['SLACK_APP_TOKEN: Socket Mode needs an app-level token (xapp-…) with connections:write (Basic Information → App-Level Tokens)']);
  }
  return { mode: e.SLACK_MODE, botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL };
}

/** The officer's waits: every reminder comes before the escalation, or it would never be sent. */
function officerDeadlines(e: RawConfig) {
  const problems: string[] = [];
  const wait = (reminders: string, escalation: string, names: [string, string]) => {
    const list = splitList(reminders);
    const esc = escalation.trim();
    const late = list.filter((r) => msToNumber(r as Duration) >= msToNumber(esc as Duration));
    if (late.length) problems.push(`${names[0]}: every reminder must come before ${names[1]} (${esc}); ${late.join(', ')} does not`);
    return { list, esc };
  };
  const review = wait(e.APP_REVIEW_REMINDERS, e.APP_REVIEW_ESCALATION, ['APP_REVIEW_REMINDERS', 'APP_REVIEW_ESCALATION']);
  const signature = wait(e.APP_CERTIFICATE_SIGNATURE_REMINDERS, e.APP_CERTIFICATE_SIGNATURE_ESCALATION, ['APP_CERTIFICATE_SIGNATURE_REMINDERS', 'APP_CERTIFICATE_SIGNATURE_ESCALATION']);
  if (problems.length) throw new ConfigError(problems);
  return {
    reviewReminders: review.list,
    reviewEscalation: review.esc,
    certificateSignatureReminders: signature.list,
    certificateSignatureEscalation: signature.esc,
  };
}

function tokenLifetime(v: string): { maxTokenLifetime: string; maxTokenLifetimeSeconds: number } {
  const seconds = Math.floor(msToNumber(v.trim() as Duration) / 1000);
  if (seconds < 1) throw new ConfigError([`AUTH_MAX_TOKEN_LIFETIME: at least 1 second (got ${JSON.stringify(v)})`]);
  return { maxTokenLifetime: v.trim(), maxTokenLifetimeSeconds: seconds };
}

function splitList(v: string): string[] {
  return v.split(',').map((d) => d.trim()).filter(Boolean);
}

export interface CertificateSettings {
  eseal: {
    /** folder of <OFFICE>.p12 files, e.g. EIC-MUM.p12 */
    dir: string | undefined;
    /** development and tests: the test PKI's eseal-<OFFICE>.p12 in <DATA_DIR>/pki; undefined in production */
    devPkiDir: string | undefined;
    password: string | undefined;
    /** ESEAL_P12_BASE64_<OFFICE> (and ESEAL_P12_PASSWORD_<OFFICE>), office code with "_" for "-" */
    perOffice: Record<string, { p12Base64: string; password: string | undefined }>;
  };
  /**
   * stamps/<OFFICE>.png and signatures/<officer id>.png read when the database has none uploaded
   * (services/certificate/image-source.ts)
   */
  imagesDir: string;
  /**
   * development and tests: a machine-drawn stamp or signature stands in for a missing one. Never in
   * production: a certificate whose office has no stamp or whose officer has no signature waits for them.
   */
  demoImages: boolean;
  qrKey: {
    /** PEM text (QR_SIGNING_KEY), else read from `file` */
    pem: string | undefined;
    file: string;
    kid: string | undefined;
    /** development and tests: create a key in `file` when there is none */
    generateIfMissing: boolean;
    /** a JWKS of retired public keys still published, so QR codes signed with them keep verifying */
    retiredKeysFile: string | undefined;
  };
  verification: {
    captchaSecret: string;
    captchaTtlSeconds: number;
    /** per client IP: a token bucket refilled at this rate, holding at most `rateLimitBurst` */
    rateLimitPerMinute: number;
    rateLimitBurst: number;
  };
}

function certificateSettings(e: RawConfig, env: NodeJS.ProcessEnv, dataDir: string): CertificateSettings {
  const production = e.NODE_ENV === 'production';
  const perOffice: CertificateSettings['eseal']['perOffice'] = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^ESEAL_P12_BASE64_([A-Z0-9_]+)$/.exec(name);
    if (!m?.[1] || !value) continue;
    const office = m[1].replace(/_/g, '-');
    perOffice[office] = { p12Base64: value, password: env[`ESEAL_P12_PASSWORD_${m[1]}`] || undefined };
  }
  return {
    eseal: {
      dir: e.ESEAL_DIR ? path.resolve(e.ESEAL_DIR) : undefined,
      devPkiDir: production ? undefined : path.join(dataDir, 'pki'),
      // the test PKI's password outside production
      password: e.ESEAL_P12_PASSWORD ?? (production ? undefined : 'test1234'),
      perOffice,
    },
    imagesDir: path.resolve(e.CERTIFICATE_IMAGES_DIR ?? path.join(dataDir, 'certificate-images')),
    demoImages: !production && e.CERTIFICATE_DEMO_IMAGES !== false,
    qrKey: {
      pem: e.QR_SIGNING_KEY?.replace(/\\n/g, '\n'),
      file: path.resolve(e.QR_SIGNING_KEY_FILE ?? path.join(dataDir, 'qr', 'qr-signing-key.pem')),
      kid: e.QR_KEY_ID,
      generateIfMissing: !production,
      retiredKeysFile: e.QR_RETIRED_KEYS_FILE ? path.resolve(e.QR_RETIRED_KEYS_FILE) : undefined,
    },
    verification: {
      captchaSecret: e.CAPTCHA_SECRET,
      captchaTtlSeconds: e.CAPTCHA_TTL_SECONDS,
      rateLimitPerMinute: e.VERIFY_RATE_LIMIT_PER_MINUTE,
      rateLimitBurst: e.VERIFY_RATE_LIMIT_BURST,
    },
  };
}

function identityConfig(e: RawConfig, dataDir: string): Config['identity'] {
  const pki = path.join(dataDir, 'pki');
  const sandboxCertFile = path.resolve(e.ESIGN_SANDBOX_CERT_FILE ?? path.join(pki, 'esign-sandbox.cert.pem'));
  const espCertFiles = e.ESIGN_ESP_CERT_FILES
    ? e.ESIGN_ESP_CERT_FILES.split(',').map((f) => f.trim()).filter(Boolean).map((f) => path.resolve(f))
    : e.ESIGN_PROVIDER === 'sandbox'
      ? [sandboxCertFile]
      : [];
  return {
    trustedCaFile: path.resolve(e.DSC_TRUSTED_CA_FILE ?? path.join(pki, 'trusted-cas.pem')),
    iecOid: e.DSC_IEC_OID || undefined,
    iecPattern: e.DSC_IEC_PATTERN || undefined,
    revocation: {
      mode: e.DSC_REVOCATION,
      maxAgeMs: msToNumber(e.DSC_REVOCATION_MAX_AGE.trim() as Duration),
      timeoutMs: msToNumber(e.DSC_REVOCATION_TIMEOUT.trim() as Duration),
    },
    esign: {
      provider: e.ESIGN_PROVIDER,
      sandboxCertFile,
      sandboxKeyFile: path.resolve(e.ESIGN_SANDBOX_KEY_FILE ?? path.join(pki, 'esign-sandbox.key.pem')),
      espCertFiles,
    },
  };
}

/** For entry points: load the config or print the problems and exit(78, EX_CONFIG). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw e;
  }
}
