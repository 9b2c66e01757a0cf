/**
 * The mail path on real servers: the application's SMTP relay delivering into Dovecot over LMTP,
 * exporters' mail arriving in the helpdesk mailbox, read back over IMAP with imapflow and parsed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAttachments } from '../../../channels/email/attachments.js';
import { applicationMessageId, replyHeaders } from '../../../channels/email/message-id.js';
import { parseInboundMessage } from '../../../channels/email/parse-message.js';
import { createReplyToken, replyAddress, verifyReplyToken } from '../../../channels/email/reply-token.js';
import { composeSignedMessage, identityFromPkcs12 } from '../../../channels/email/smime-sign.js';
import { renderDeficiencyRaised } from '../../../channels/email/templates/index.js';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';
import {
  appendMessage,
  imapClient,
  readMailbox,
  startMailServers,
  waitForMailboxMessage,
  type MailServers,
} from '../../helpers/mail-servers.js';

const HELPDESK = 'helpdesk@coo.test';
const RAJ = 'raj@rajoverseas.test';
const ANITA = 'anita@seapearl.test';
const SECRET = 'reply-secret-for-integration-tests';
const APP = 'HQRCCOAPPLY00000019AM25';
const ctx = { platformName: 'CoO Trade Connect', portalUrl: 'https://coo.example.test', helpdeskAddress: HELPDESK };

let mail: MailServers;
let pki: TestPki;
let pdf: Buffer;

function smtpTransport() {
  return nodemailer.createTransport({ host: mail.smtp.host, port: mail.smtp.port, secure: false, ignoreTLS: true });
}

/** Processes in the process group led by `pid` (Dovecot runs in a group of its own). */
function processesOf(pid: number): string[] {
  return execFileSync('ps', ['-e', '-o', 'pid=,pgid='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols[1] === String(pid))
    .map((cols) => cols[0] ?? '');
}

beforeAll(async () => {
  pki = await ensureTestPki(join(tmpdir(), 'coo-test-pki'));
  mail = await startMailServers({
    users: [
      { address: HELPDESK, password: 'helpdesk-pw' },
      { address: RAJ, password: 'raj-pw' },
      { address: ANITA, password: 'anita-pw' },
    ],
  });
  const { PDFDocument } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  doc.addPage([300, 200]).drawText('Commercial invoice INV/2025-26/001');
  pdf = Buffer.from(await doc.save());
});

afterAll(async () => {
  await mail?.stop();
});

describe('mail servers for tests', () => {
  it('delivers what the application sends over SMTP into the exporter’s IMAP INBOX, and records it', async () => {
    const messageId = applicationMessageId({ applicationNumber: APP, event: 'deficiency', round: 1, domain: 'coo.test' });
    const token = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
    const rendered = renderDeficiencyRaised({
      ctx,
      exporterName: 'Raj Overseas Pvt Ltd',
      applicationNumber: APP,
      round: 1,
      office: 'EIC Mumbai',
      officerRemarks: 'Invoice value does not match the sum of the items.',
      replyAddress: replyAddress(HELPDESK, token),
      replyToken: token,
    });
    const info = await smtpTransport().sendMail({
      from: `CoO Trade Connect <noreply@coo.test>`,
      to: [RAJ, 'customs@oman.test'],
      replyTo: replyAddress(HELPDESK, token),
      messageId,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
    });
    expect(info.accepted).toEqual([RAJ, 'customs@oman.test']);

    const captured = await mail.waitForCaptured((m) => m.raw.includes(messageId));
    expect(captured.delivered).toEqual([RAJ]);
    expect(captured.notDelivered).toEqual([{ address: 'customs@oman.test', reason: 'not a local mailbox (recorded only)' }]);

    const inbox = await waitForMailboxMessage(mail.login(RAJ), (m) => m.raw.includes(messageId));
    const parsed = await parseInboundMessage(inbox.raw);
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.subject).toBe(rendered.subject);
    expect(parsed.replyTo[0]?.address).toBe(replyAddress(HELPDESK, token));
    expect(parsed.text.full).toContain('Attach at most 5 files of at most 5 MB each');
  });

  it('a signed reply with attachments travels exporter → SMTP → LMTP → helpdesk INBOX and verifies there', async () => {
    const deficiencyId = applicationMessageId({ applicationNumber: APP, event: 'deficiency', round: 2, domain: 'coo.test' });
    const token = createReplyToken({ applicationNumber: APP, round: 2 }, SECRET);
    const id = pki.identities['exporter-raj'];
    if (!id) throw new Error('no exporter-raj in the test PKI');
    const signer = identityFromPkcs12(readFileSync(id.p12Path), pki.password);
    const raw = await composeSignedMessage(
      {
        from: `Raj Kumar Sharma <${RAJ}>`,
        to: replyAddress(HELPDESK, token),
        subject: 'Re: Deficiency raised on application HQRCCOAPPLY00000019AM25 (round 2)',
        messageId: '<reply-signed-1@rajoverseas.test>',
        ...replyHeaders({ messageId: deficiencyId }),
        text: 'Dear Sir,\nThe corrected invoice is attached.\n\nRegards,\nRaj\n\nOn Tue, 4 Mar 2025, CoO Trade Connect wrote:\n> Invoice value does not match.\n',
        attachments: [
          { filename: 'invoice.pdf', content: pdf, contentType: 'application/pdf' },
          { filename: 'setup.exe', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]), contentType: 'application/octet-stream' },
        ],
      },
      signer,
    );
    await smtpTransport().sendMail({ envelope: { from: RAJ, to: [replyAddress(HELPDESK, token)] }, raw });

    const arrived = await waitForMailboxMessage(mail.login(HELPDESK), (m) => m.raw.includes('reply-signed-1@rajoverseas.test'));
    expect(arrived.raw.toString('latin1')).toMatch(/^Return-Path: <raj@rajoverseas\.test>\r\nDelivered-To: helpdesk\+/);
    const parsed = await parseInboundMessage(arrived.raw, { mailbox: HELPDESK });
    expect(parsed.from?.address).toBe(RAJ);
    expect(parsed.inReplyTo).toBe(deficiencyId);
    expect(parsed.replyToken).toBe(token);
    expect(verifyReplyToken(parsed.replyToken ?? '', SECRET, { applicationNumber: APP, round: 2 }).ok).toBe(true);
    expect(parsed.text.reply).toBe('Dear Sir,\nThe corrected invoice is attached.');
    expect(parsed.smime.kind).toBe('detached');
    const v = parsed.smime.verification;
    if (!v?.ok) throw new Error(`signature not verified: ${v ? v.message : 'none'}`);
    expect(new X509Certificate(v.signerCertificatePem).fingerprint256).toBe(new X509Certificate(id.certPem).fingerprint256);
    const policy = await checkAttachments(parsed.attachments);
    expect(policy.accepted.map((a) => a.filename)).toEqual(['invoice.pdf']);
    expect(policy.problems).toEqual(['setup.exe: type not allowed (only PDF, JPG, XLS, XLSX)']);
  });

  it('an opaque signed message also survives the trip', async () => {
    const id = pki.identities['exporter-anita'];
    if (!id) throw new Error('no exporter-anita in the test PKI');
    const raw = await composeSignedMessage(
      { from: ANITA, to: HELPDESK, subject: 'Signed opaque', messageId: '<opaque-1@seapearl.test>', text: 'Clarification: the route is Kochi to Muscat by sea.' },
      { certPem: id.certPem, keyPem: id.keyPem },
      { mode: 'opaque' },
    );
    await mail.deliver(raw, HELPDESK, { from: ANITA });
    const arrived = await waitForMailboxMessage(mail.login(HELPDESK), (m) => m.raw.includes('opaque-1@seapearl.test'));
    const parsed = await parseInboundMessage(arrived.raw, { mailbox: HELPDESK });
    expect(parsed.smime.verification?.ok).toBe(true);
    expect(parsed.text.reply).toBe('Clarification: the route is Kochi to Muscat by sea.');
  });

  it('IMAP APPEND puts a message in a mailbox, with flags, under a stable UIDVALIDITY', async () => {
    const raw = 'From: anita@seapearl.test\r\nTo: helpdesk@coo.test\r\nSubject: Appended\r\nMessage-ID: <appended-1@seapearl.test>\r\n\r\nMy DSC shows "Expired Certificate".\r\n';
    const uid = await appendMessage(mail.login(HELPDESK), raw, { flags: ['\\Seen'] });
    expect(uid).toBeGreaterThan(0);
    const box = await readMailbox(mail.login(HELPDESK));
    const found = box.find((m) => m.uid === uid);
    expect(found?.flags).toContain('\\Seen');
    expect(found?.uidValidity).toBeGreaterThan(0n);
    expect(new Set(box.map((m) => m.uidValidity)).size).toBe(1);
    const parsed = await parseInboundMessage(found?.raw ?? Buffer.alloc(0));
    expect(parsed.subject).toBe('Appended');
  });

  it('IMAP IDLE reports new mail as it is delivered', async () => {
    const client = imapClient(mail.login(ANITA));
    client.on('error', () => {});
    await client.connect();
    let idling: Promise<unknown> = Promise.resolve();
    try {
      await client.mailboxOpen('INBOX');
      const arrived = new Promise<number>((resolve) => client.on('exists', (data: { count: number }) => resolve(data.count)));
      // IDLE runs until the next command (here the logout): start it, deliver, wait for the event.
      idling = client.idle();
      await mail.deliver('From: raj@rajoverseas.test\r\nTo: anita@seapearl.test\r\nSubject: ping\r\n\r\nping\r\n', ANITA, { from: RAJ });
      expect(await arrived).toBeGreaterThan(0);
    } finally {
      await client.logout();
      await idling;
    }
  });

  it('refuses unknown mailboxes over LMTP and wrong IMAP passwords, in words', async () => {
    await expect(mail.deliver('Subject: x\r\n\r\nx\r\n', 'nobody@coo.test')).rejects.toThrow(/LMTP refused nobody@coo\.test .*User doesn't exist/);
    await expect(readMailbox({ ...mail.login(HELPDESK), password: 'wrong' })).rejects.toThrow();
  });

  it('adds users while running', async () => {
    await mail.addUsers([{ address: 'senthil@texco.test', password: 'senthil-pw' }]);
    await mail.deliver('From: a@b.test\r\nSubject: welcome\r\n\r\nhello\r\n', 'senthil@texco.test');
    const box = await readMailbox(mail.login('senthil@texco.test'));
    expect(box).toHaveLength(1);
  });
});

describe('stopping', () => {
  it('leaves no process and no data behind', async () => {
    const { startMailServers: start } = await import('../../helpers/mail-servers.js');
    const other = await start({ users: [{ address: HELPDESK, password: 'pw' }] });
    const pidFile = join(other.dataDir, 'run', 'master.pid');
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(processesOf(pid).length).toBeGreaterThan(1);
    await other.stop();
    expect(processesOf(pid)).toEqual([]);
    expect(existsSync(other.dataDir)).toBe(false);
  });
});
