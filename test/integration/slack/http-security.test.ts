import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp } from '../../../channels/slack/app.js';
import { ActionId } from '../../../channels/slack/ids.js';
import { MemorySlackBackend } from '../../../channels/slack/memory-backend.js';
import { FakeSlack } from '../../helpers/slack-fake.js';
import { blockActions, eventCallback, appHomeOpenedEvent, sendSigned, urlVerification } from '../../helpers/slack-sign.js';
import { BOT_TOKEN, CHANNEL_MUM, captureLogger, type Harness, SECRET, SLACK_USER, TEAM, sampleCard, startHarness } from './harness.js';

describe('Slack request verification (HTTP mode)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.backend.addCard(sampleCard());
    await h.slack.postApplication(sampleCard());
  });
  afterAll(async () => h.close());

  const approveBy = (userId: string) => {
    const ref = [...h.fake.messages.values()][0];
    return blockActions({ teamId: TEAM, userId, actionId: ActionId.approve, value: sampleCard().applicationNumber, channel: CHANNEL_MUM, messageTs: ref?.ts ?? '' });
  };

  it('refuses a request signed with another secret (401) and changes nothing', async () => {
    h.fake.clearCalls();
    const res = await h.send(approveBy(SLACK_USER.sharma), { secret: 'not-the-signing-secret' });
    expect(res.status).toBe(401);
    expect(h.backend.decisions).toHaveLength(0);
    expect(h.fake.calls).toHaveLength(0);
  });

  it('refuses a correctly signed request whose timestamp is more than 5 minutes old (401)', async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await h.send(approveBy(SLACK_USER.sharma), { timestamp: sixMinutesAgo });
    expect(res.status).toBe(401);
    expect(h.backend.decisions).toHaveLength(0);
  });

  it('refuses a request without signature headers (401)', async () => {
    const req = approveBy(SLACK_USER.sharma);
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': req.contentType }, body: req.body });
    expect(res.status).toBe(401);
  });

  it('refuses a body altered after signing (401)', async () => {
    const genuine = approveBy(SLACK_USER.stranger);
    const { signedHeaders } = await import('../../helpers/slack-sign.js');
    const headers = signedHeaders(SECRET, genuine);
    const altered = approveBy(SLACK_USER.sharma);
    const res = await fetch(h.url, { method: 'POST', headers, body: altered.body });
    expect(res.status).toBe(401);
    expect(h.backend.decisions).toHaveLength(0);
  });

  it('refuses a correctly signed body that is not a Slack payload with 400, not a 500, and changes nothing', async () => {
    h.fake.clearCalls();
    for (const body of ['null', JSON.stringify({ type: 'event_callback', team_id: TEAM, event: { type: 'app_home_opened', user: null, tab: 'home' } }), JSON.stringify({ type: 'event_callback', team_id: TEAM, event: null })]) {
      const res = await h.send({ body, contentType: 'application/json' });
      expect(res.status, body).toBe(400);
    }
    const noUser = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', team: { id: TEAM }, user: null, actions: [] }) }).toString();
    expect((await h.send({ body: noUser, contentType: 'application/x-www-form-urlencoded' })).status).toBe(400);
    expect(h.backend.decisions).toHaveLength(0);
    expect(h.fake.callsTo('views.publish')).toHaveLength(0);
  });

  it('answers Slack\'s url_verification challenge when signed', async () => {
    const res = await h.send(urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P'));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('accepts a correctly signed, fresh request', async () => {
    h.fake.clearCalls();
    const res = await h.send(eventCallback(TEAM, appHomeOpenedEvent(SLACK_USER.sharma)));
    expect(res.status).toBe(200);
    expect(h.fake.callsTo('views.publish')).toHaveLength(1);
  });

  it('leaves the rest of the API alone (JSON routes mounted after the Slack router still work)', async () => {
    const res = await fetch(h.url.replace('/slack/events', '/health'));
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('Slack router mounted after express.json()', () => {
  it('explains the misconfiguration instead of failing the signature check obscurely', async () => {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
    const logger = captureLogger();
    const slack = createSlackApp({ backend: new MemorySlackBackend(), botToken: BOT_TOKEN, signingSecret: SECRET, mode: 'http', slackApiUrl: fake.url, logger });
    const api = express();
    api.use(express.json());
    api.use('/slack/events', slack.router as express.Router);
    const server = api.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
      const res = await sendSigned(url, SECRET, urlVerification('abc'));
      expect(res.status).toBe(500);
      expect(res.json).toMatchObject({ message: expect.stringContaining('mounted before any body parser') });
      expect(logger.entries.some((e) => e.level === 'error' && e.msg?.includes('before express.json()'))).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    }
  });
});
