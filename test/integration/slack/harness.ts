import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createSlackApp, type SlackApp } from '../../../channels/slack/app.js';
import type { ApplicationCard, OfficerIdentity } from '../../../channels/slack/backend.js';
import type { StructuredLogger } from '../../../channels/slack/logger.js';
import { MemorySlackBackend } from '../../../channels/slack/memory-backend.js';
import { FakeSlack } from '../../helpers/slack-fake.js';
import { blockActions, sendSigned, type ButtonClick, type SignOptions, type SlackRequest, type SlackResponse } from '../../helpers/slack-sign.js';

export const TEAM = 'T0COO';
export const SECRET = 'test-signing-secret-8f1c2a';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const CHANNEL_MUM = 'C0EICMUM';
export const ADMIN_EMAIL = 'admin.mumbai@eic.example';
export const ADMIN_SLACK_ID = 'U0ADMIN';

/** The application's clock; Slack's signature check uses real time independently. */
export const NOW = new Date('2026-03-12T09:00:00.000Z');

export const SHARMA: OfficerIdentity = { officerId: 'OFF-SHARMA', name: 'Anita Sharma', officeCode: 'EIC-MUM' };
export const IYER: OfficerIdentity = { officerId: 'OFF-IYER', name: 'Ravi Iyer', officeCode: 'EIC-MUM' };
export const NAIR: OfficerIdentity = { officerId: 'OFF-NAIR', name: 'Kavya Nair', officeCode: 'EIC-CHN' };
export const SLACK_USER = { sharma: 'U0SHARMA', iyer: 'U0IYER', nair: 'U0NAIR', stranger: 'U0STRANGER' } as const;

export function hoursBefore(hours: number): string {
  return new Date(NOW.getTime() - hours * 3_600_000).toISOString();
}

export function sampleCard(overrides: Partial<ApplicationCard> = {}): ApplicationCard {
  return {
    applicationNumber: 'COOAPPLY00000101AM26',
    fileNumber: 'MUMCOOAPPLY00000101AM26',
    status: 'In-Process',
    exporter: { iec: '0305012345', name: 'Konkan Sea Foods & Exports Pvt Ltd' },
    agreement: { code: 'IOCEPA', title: 'India Oman CEPA (Agency Issued)' },
    agency: { code: 'EIC', name: 'Export Inspection Council' },
    office: { code: 'EIC-MUM', name: 'EIA Mumbai' },
    invoice: { number: 'KSF/2026/0142', date: '2026-03-10', currency: 'OMR', value: 4812.5, valueUsd: 12500 },
    goods: [
      { description: 'Frozen shrimps (Litopenaeus vannamei)', hsCode: '030617', quantity: 1200, unit: 'KGS' },
      { description: 'Frozen squid rings', hsCode: '030743', quantity: 800, unit: 'KGS' },
    ],
    attachments: [
      { name: 'invoice-0142.pdf', kind: 'Commercial invoice' },
      { name: 'packing-0142.pdf', kind: 'Packing list' },
    ],
    deficiencies: [],
    submittedAt: hoursBefore(5),
    waitingSince: hoursBefore(5),
    ...overrides,
  };
}

export interface LogEntry {
  level: string;
  obj: object;
  msg: string | undefined;
}

export function captureLogger(): StructuredLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    entries.push({ level, obj, msg });
    if (process.env.SLACK_TEST_LOGS === '1') console.log(level, msg, obj);
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface Harness {
  fake: FakeSlack;
  backend: MemorySlackBackend;
  slack: SlackApp;
  logs: LogEntry[];
  /** The Slack request URL (`/slack/events` of the API). */
  url: string;
  send(request: SlackRequest, opts?: SignOptions): Promise<SlackResponse>;
  click(click: Omit<ButtonClick, 'teamId'> & { teamId?: string }, opts?: SignOptions): Promise<SlackResponse>;
  close(): Promise<void>;
}

/**
 * Bolt in HTTP mode mounted in an Express API the way the project's API mounts it, with its Web
 * API pointed at the fake, and an in-memory backend holding three officers and the Mumbai channel.
 */
export async function startHarness(): Promise<Harness> {
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM, users: [{ id: ADMIN_SLACK_ID, email: ADMIN_EMAIL, name: 'EIA Mumbai admin' }] });
  const backend = new MemorySlackBackend({ now: () => NOW });
  for (const officer of [SHARMA, IYER, NAIR]) backend.addOfficer(officer);
  backend.mapSlackUser(TEAM, SLACK_USER.sharma, SHARMA.officerId);
  backend.mapSlackUser(TEAM, SLACK_USER.iyer, IYER.officerId);
  backend.mapSlackUser(TEAM, SLACK_USER.nair, NAIR.officerId);
  backend.setOfficeChannel('EIC-MUM', CHANNEL_MUM);
  const logger = captureLogger();
  const slack = createSlackApp({
    backend,
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    mode: 'http',
    slackApiUrl: fake.url,
    logger,
    now: () => NOW,
    clientOptions: { retryConfig: { retries: 0 } },
  });
  const api = express();
  if (!slack.router) throw new Error('HTTP mode returns a router');
  api.use('/slack/events', slack.router);
  api.use(express.json());
  api.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  const server: http.Server = api.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/slack/events`;
  return {
    fake,
    backend,
    slack,
    logs: logger.entries,
    url,
    send: (request, opts) => sendSigned(url, SECRET, request, opts),
    click: (click, opts) => sendSigned(url, SECRET, blockActions({ teamId: TEAM, ...click }), opts),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    },
  };
}

/** All text of a Block Kit message or view, for "does it say X" assertions. */
export function textOf(blocks: unknown): string {
  const parts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'text' && typeof v === 'string') parts.push(v);
        else walk(v);
      }
    }
  };
  walk(blocks);
  return parts.join('\n');
}

/** The action_ids of every button in the blocks. */
export function buttonsOf(blocks: unknown): string[] {
  const ids: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (o.type === 'button' && typeof o.action_id === 'string') ids.push(o.action_id);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return ids;
}
