/**
 * Tries the officers' bot in a real workspace before the backend is wired to Temporal and
 * PostgreSQL: the in-memory backend, two sample applications posted to one channel, and a link
 * code per demo officer printed on the console. An entry point, so it reads the environment.
 *
 *   SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… SLACK_CHANNEL=C0123456789 npx tsx channels/slack/dev.ts
 *
 * HTTP mode instead: SLACK_MODE=http SLACK_SIGNING_SECRET=… (SLACK_HTTP_PORT, default 14100).
 */
import { once } from 'node:events';
import express from 'express';
import { z } from 'zod';
import { createLogger } from '../../lib/logger.js';
import { SLACK_EVENTS_PATH, createSlackApp } from './app.js';
import type { ApplicationCard } from './backend.js';
import { MemorySlackBackend } from './memory-backend.js';

const env = z
  .object({
    SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be the bot token (xoxb-…) from OAuth & Permissions'),
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token (xapp-…) with connections:write').optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_CHANNEL: z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a channel ID such as C0123456789 (channel details → About)'),
    SLACK_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(14100),
    SLACK_API_URL: z.url().optional(),
    LOG_LEVEL: z.string().default('info'),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`Invalid configuration:\n  ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
  process.exit(1);
}
const cfg = env.data;
const logger = createLogger({ level: cfg.LOG_LEVEL, service: 'slack-dev' });

const OFFICE = { code: 'DEMO-MUM', name: 'Demo office, Mumbai' };
const backend = new MemorySlackBackend();
const officers = [
  { officerId: 'DEMO-1', name: 'Demo Officer One', officeCode: OFFICE.code },
  { officerId: 'DEMO-2', name: 'Demo Officer Two', officeCode: OFFICE.code },
];
for (const officer of officers) backend.addOfficer(officer);
backend.setOfficeChannel(OFFICE.code, cfg.SLACK_CHANNEL);

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const samples: ApplicationCard[] = [
  {
    applicationNumber: 'DEMOCOOAPPLY00000001AM26',
    fileNumber: 'MUMCOOAPPLY00000001AM26',
    status: 'In-Process',
    exporter: { iec: '0305012345', name: 'Konkan Sea Foods & Exports Pvt Ltd' },
    agreement: { code: 'IOCEPA', title: 'India Oman CEPA (Agency Issued)' },
    agency: { code: 'EIC', name: 'Export Inspection Council' },
    office: OFFICE,
    invoice: { number: 'KSF/2026/0142', date: new Date().toISOString().slice(0, 10), currency: 'OMR', value: 4812.5, valueUsd: 12500 },
    goods: [
      { description: 'Frozen shrimps (Litopenaeus vannamei)', hsCode: '030617', quantity: 1200, unit: 'KGS' },
      { description: 'Frozen squid rings', hsCode: '030743', quantity: 800, unit: 'KGS' },
    ],
    attachments: [
      { name: 'invoice-0142.pdf', kind: 'Commercial invoice' },
      { name: 'packing-0142.pdf', kind: 'Packing list' },
    ],
    deficiencies: [],
    submittedAt: hoursAgo(26),
    waitingSince: hoursAgo(26),
  },
  {
    applicationNumber: 'DEMOCOOAPPLY00000002AM26',
    fileNumber: 'MUMCOOAPPLY00000002AM26',
    status: 'In-Process',
    exporter: { iec: '0399887766', name: 'Deccan Spices Ltd' },
    agreement: { code: 'AIFTA', title: 'ASEAN-India FTA' },
    agency: { code: 'EIC', name: 'Export Inspection Council' },
    office: OFFICE,
    invoice: { number: 'DSL-77/26', date: new Date().toISOString().slice(0, 10), currency: 'USD', value: 38400, valueUsd: 38400 },
    goods: [{ description: 'Black pepper, whole', hsCode: '090411', quantity: 6000, unit: 'KGS' }],
    attachments: [{ name: 'inv-77.pdf', kind: 'Commercial invoice' }],
    deficiencies: [],
    submittedAt: hoursAgo(3),
    waitingSince: hoursAgo(3),
  },
];
for (const card of samples) backend.addCard(card);

const slack = createSlackApp({
  backend,
  botToken: cfg.SLACK_BOT_TOKEN,
  mode: cfg.SLACK_MODE,
  logger,
  ...(cfg.SLACK_APP_TOKEN ? { appToken: cfg.SLACK_APP_TOKEN } : {}),
  ...(cfg.SLACK_SIGNING_SECRET ? { signingSecret: cfg.SLACK_SIGNING_SECRET } : {}),
  ...(cfg.SLACK_API_URL ? { slackApiUrl: cfg.SLACK_API_URL } : {}),
});

const who = await slack.verifyToken();
logger.info(who, 'bot token verified');

let server: ReturnType<express.Express['listen']> | undefined;
if (cfg.SLACK_MODE === 'http' && slack.router) {
  const api = express();
  api.use(SLACK_EVENTS_PATH, slack.router);
  server = api.listen(cfg.SLACK_HTTP_PORT);
  await once(server, 'listening');
  console.log(`Slack request URL: http://<public host>:${cfg.SLACK_HTTP_PORT}${SLACK_EVENTS_PATH}`);
}
await slack.start();
for (const card of samples) await slack.postApplication(card);

console.log(`\nPosted ${samples.length} applications to ${cfg.SLACK_CHANNEL}. Link yourself as an officer with one of:`);
for (const officer of officers) console.log(`  /coo link ${backend.issueLinkCode(officer.officerId, { ttlMs: 24 * 3_600_000 })}   (${officer.name})`);
console.log('Then click the buttons, open the app\'s Home tab, or try /coo MUMCOOAPPLY00000001AM26. Ctrl-C to stop.\n');

const stop = async () => {
  await slack.stop();
  server?.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
