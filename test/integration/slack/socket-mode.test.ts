import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../channels/slack/app.js';
import { ActionId } from '../../../channels/slack/ids.js';
import { MemorySlackBackend } from '../../../channels/slack/memory-backend.js';
import { FakeSlack, type FakeSocketConnection } from '../../helpers/slack-fake.js';
import { appHomeOpenedEvent, blockActionsPayload, eventCallbackBody, slashCommandFields } from '../../helpers/slack-sign.js';
import { BOT_TOKEN, CHANNEL_MUM, IYER, NOW, SHARMA, SLACK_USER, TEAM, buttonsOf, captureLogger, sampleCard, textOf } from './harness.js';

const APP_TOKEN = 'xapp-1-test-app-token';
const NUMBER = sampleCard().applicationNumber;

describe('Socket Mode (a real workspace without a public URL)', () => {
  let fake: FakeSlack;
  let backend: MemorySlackBackend;
  let slack: SlackApp;
  let socket: FakeSocketConnection;
  let messageTs: string;

  beforeAll(async () => {
    fake = await FakeSlack.start({ botToken: BOT_TOKEN, appToken: APP_TOKEN, teamId: TEAM });
    backend = new MemorySlackBackend({ now: () => NOW });
    for (const officer of [SHARMA, IYER]) backend.addOfficer(officer);
    backend.mapSlackUser(TEAM, SLACK_USER.sharma, SHARMA.officerId);
    backend.addCard(sampleCard());
    slack = createSlackApp({
      backend,
      botToken: BOT_TOKEN,
      mode: 'socket',
      appToken: APP_TOKEN,
      slackApiUrl: fake.url.slice(0, -1), // without the trailing slash: createSlackApp adds it
      logger: captureLogger(),
      officeChannels: { 'EIC-MUM': CHANNEL_MUM },
      now: () => NOW,
    });
    await slack.start();
    socket = await fake.socketConnection();
    messageTs = (await slack.postApplication(sampleCard())).ts;
  });

  afterAll(async () => {
    await slack.stop();
    await fake.close();
  });

  it('opened the connection with the app-level token', () => {
    const open = fake.lastCall('apps.connections.open');
    expect(open?.token).toBe(APP_TOKEN);
  });

  it('acknowledges a button click envelope and records the decision through the backend', async () => {
    const payload = blockActionsPayload({ teamId: TEAM, userId: SLACK_USER.sharma, actionId: ActionId.approve, value: NUMBER, channel: CHANNEL_MUM, messageTs });
    const ack = await socket.send('interactive', payload);
    expect(ack).toMatchObject({ envelope_id: expect.any(String) });
    await vi.waitFor(() => expect(buttonsOf(fake.message(CHANNEL_MUM, messageTs)?.blocks)).toEqual([ActionId.details]));
    expect(backend.decisions).toEqual([expect.objectContaining({ kind: 'approve', officerId: SHARMA.officerId })]);
    expect(fake.lastCall('chat.update')?.token).toBe(BOT_TOKEN);
  });

  it('answers a slash command in the acknowledgement payload', async () => {
    const ack = await socket.send('slash_commands', slashCommandFields({ teamId: TEAM, userId: SLACK_USER.sharma, command: '/coo', text: NUMBER }));
    const payload = ack.payload as { response_type: string; blocks: unknown[] };
    expect(payload.response_type).toBe('ephemeral');
    expect(textOf(payload.blocks)).toContain('*Approved Pending Issuance*: approved by Anita Sharma');
  });

  it('publishes the App Home on an events_api envelope', async () => {
    await socket.send('events_api', eventCallbackBody(TEAM, appHomeOpenedEvent(SLACK_USER.sharma)));
    await vi.waitFor(() => expect(fake.homeViews.get(SLACK_USER.sharma)).toBeDefined());
    expect(textOf(fake.homeViews.get(SLACK_USER.sharma))).toContain('Nothing is waiting for a decision');
  });
});
