import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/errors.js';
import { checkAttachments } from '../../../channels/email/attachments.js';
import { parseInboundMessage } from '../../../channels/email/parse-message.js';
import { createReplyToken, replyAddress, subjectTag } from '../../../channels/email/reply-token.js';
import { composeSignedMessage, type SmimeSigningIdentity } from '../../../channels/email/smime-sign.js';
import { ensureTestPki } from '../../../scripts/pki/test-pki.js';
import { tinyPdf } from '../../helpers/files.js';

const SECRET = 'reply-secret-for-tests-0123456789';
const MAILBOX = 'helpdesk@coo.test';
const APP = 'HQRCCOAPPLY00000019AM25';
const token = createReplyToken({ applicationNumber: APP, round: 1 }, SECRET);
const pdf = tinyPdf();

const compose = (mail: MailComposerOptions) => new MailComposer(mail).compile().build();

const replyMail: MailComposerOptions = {
  from: 'Raj Kumar Sharma <Raj@RajOverseas.test>',
  to: `CoO Helpdesk <${replyAddress(MAILBOX, token)}>`,
  subject: `Re: Deficiency raised on application ${APP} (round 1) ${subjectTag(token)}`,
  messageId: '<CAF=reply-1@mail.gmail.com>',
  inReplyTo: `<app-${APP}-deficiency-1@coo.test>`,
  references: [`<app-${APP}-submission-0@coo.test>`, `<app-${APP}-deficiency-1@coo.test>`],
  date: new Date('2025-03-04T05:00:00Z'),
  text: 'Dear Sir,\nThe corrected invoice is attached.\n\nRegards,\nRaj\n\nOn Mon, 3 Mar 2025 at 10:15, CoO Helpdesk <helpdesk@coo.test> wrote:\n> The officer has raised a deficiency.\n',
  html: '<div dir="ltr">Dear Sir,<br>The corrected invoice is attached.<br><br>Regards,<br>Raj</div><div class="gmail_quote">On Mon wrote:<blockquote>The officer has raised a deficiency.</blockquote></div>',
  attachments: [{ filename: 'invoice.pdf', content: pdf, contentType: 'application/pdf' }],
};

let raj: SmimeSigningIdentity;

beforeAll(async () => {
  const pki = await ensureTestPki(join(tmpdir(), 'coo-test-pki'));
  const id = pki.identities['exporter-raj'];
  if (!id) throw new Error('no exporter-raj in the test PKI');
  raj = { certPem: id.certPem, keyPem: id.keyPem, chainPems: [pki.subCaPem] };
});

async function expectAppError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  expect((err as AppError).message).toMatch(message);
}

describe('parseInboundMessage', () => {
  it('normalises a Gmail-style deficiency reply', async () => {
    const m = await parseInboundMessage(await compose(replyMail), { mailbox: MAILBOX });
    expect(m.from).toEqual({ address: 'raj@rajoverseas.test', name: 'Raj Kumar Sharma' });
    expect(m.to[0]?.address).toBe(replyAddress(MAILBOX, token));
    expect(m.messageId).toBe('<CAF=reply-1@mail.gmail.com>');
    expect(m.inReplyTo).toBe(`<app-${APP}-deficiency-1@coo.test>`);
    expect(m.references).toEqual([`<app-${APP}-submission-0@coo.test>`, `<app-${APP}-deficiency-1@coo.test>`]);
    expect(m.date?.toISOString()).toBe('2025-03-04T05:00:00.000Z');
    expect(m.replyToken).toBe(token);
    expect(m.replyTokenSource).toBe('address');
    expect(m.text.reply).toBe('Dear Sir,\nThe corrected invoice is attached.');
    expect(m.text.full).toContain('> The officer has raised a deficiency.');
    expect(m.text.signature).toBe('Regards,\nRaj');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]).toMatchObject({ filename: 'invoice.pdf', size: pdf.length, embedded: false });
    expect(m.attachments[0]?.content.equals(pdf)).toBe(true);
    expect(m.smime).toEqual({ kind: null, verification: null });
    expect(m.automatic).toBeNull();
  });

  it('falls back to the subject tag when the +detail was lost', async () => {
    const raw = await compose({ ...replyMail, to: MAILBOX });
    const m = await parseInboundMessage(raw, { mailbox: MAILBOX });
    expect(m.replyToken).toBe(token);
    expect(m.replyTokenSource).toBe('subject');
  });

  it('reads the token from Delivered-To when only the envelope had it', async () => {
    const raw = Buffer.concat([Buffer.from(`Delivered-To: ${replyAddress(MAILBOX, token)}\r\n`), await compose({ ...replyMail, to: MAILBOX, subject: 'Re: Deficiency' })]);
    const m = await parseInboundMessage(raw, { mailbox: MAILBOX });
    expect(m.deliveredTo).toEqual([replyAddress(MAILBOX, token)]);
    expect(m.replyToken).toBe(token);
  });

  it('uses the HTML part when there is no text part, and marks embedded images', async () => {
    const raw = await compose({
      from: 'anita@seapearl.test',
      to: MAILBOX,
      subject: 'Payment',
      html: '<p>Amount debited, application still shows Pending Payment.</p><p>Thanks &amp; Regards<br>Anita<br><img src="cid:logo@seapearl"></p><div class="gmail_quote"><blockquote>old</blockquote></div>',
      attachments: [
        { filename: 'logo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), cid: 'logo@seapearl' },
        { filename: 'receipt.pdf', content: pdf },
      ],
    });
    const m = await parseInboundMessage(raw);
    expect(m.text.reply).toBe('Amount debited, application still shows Pending Payment.');
    expect(m.text.full).toContain('> old');
    expect(m.attachments.map((a) => [a.filename, a.embedded])).toEqual([
      ['logo.png', true],
      ['receipt.pdf', false],
    ]);
    const policy = await checkAttachments(m.attachments);
    expect(policy.ok).toBe(true);
    expect(policy.accepted.map((a) => a.filename)).toEqual(['receipt.pdf']);
  });

  it('reports and verifies a detached S/MIME signature, without listing smime.p7s as an attachment', async () => {
    const raw = await composeSignedMessage(replyMail, raj);
    const m = await parseInboundMessage(raw, { mailbox: MAILBOX });
    expect(m.smime.kind).toBe('detached');
    expect(m.smime.verification?.ok).toBe(true);
    expect(m.attachments.map((a) => a.filename)).toEqual(['invoice.pdf']);
    expect(m.text.reply).toBe('Dear Sir,\nThe corrected invoice is attached.');
    expect(m.replyToken).toBe(token);
  });

  it('reads the text and files inside an opaque signed message, and still reads them when the signature fails', async () => {
    const raw = await composeSignedMessage(replyMail, raj, { mode: 'opaque' });
    const m = await parseInboundMessage(raw, { mailbox: MAILBOX });
    expect(m.smime.kind).toBe('opaque');
    expect(m.smime.verification?.ok).toBe(true);
    expect(m.text.reply).toBe('Dear Sir,\nThe corrected invoice is attached.');
    expect(m.attachments.map((a) => a.filename)).toEqual(['invoice.pdf']);

    const text = raw.toString('latin1');
    const [head = '', body = ''] = text.split('\r\n\r\n');
    const der = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('binary').replace('corrected invoice', 'corrected INVOICE');
    const tampered = `${head}\r\n\r\n${Buffer.from(der, 'binary').toString('base64')}\r\n`;
    const t = await parseInboundMessage(tampered, { mailbox: MAILBOX });
    expect(t.smime.verification).toMatchObject({ ok: false, code: 'digest_mismatch' });
    expect(t.text.reply).toBe('Dear Sir,\nThe corrected INVOICE is attached.');
  });

  it('flags auto-replies and bounces', async () => {
    const auto = await parseInboundMessage('From: raj@rajoverseas.test\r\nTo: helpdesk@coo.test\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nI am away.\r\n');
    expect(auto.automatic).toBe('auto-reply');
    const bounce = await parseInboundMessage(
      'Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.test\r\nTo: noreply@coo.test\r\nSubject: Undelivered Mail\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n--b--\r\n',
    );
    expect(bounce.automatic).toBe('bounce');
  });

  it('refuses what is not an e-mail with a clear error, never a crash', async () => {
    await expectAppError(parseInboundMessage(''), 'mail_malformed', /^The message is empty\.$/);
    await expectAppError(parseInboundMessage('\r\n\r\n   \r\n'), 'mail_malformed', /empty/);
    await expectAppError(parseInboundMessage(randomBytes(2000)), 'mail_malformed', /not an e-mail message/);
    await expectAppError(parseInboundMessage('Hello, this is just some text\nwithout any headers'), 'mail_malformed', /does not start with mail headers/);
    await expectAppError(parseInboundMessage('X-Foo: bar\r\n\r\nbody'), 'mail_malformed', /no From, Subject, Date or Message-ID header/);
  });

  it('refuses an oversized message before parsing it', async () => {
    const raw = await compose({ from: 'a@b.test', to: MAILBOX, subject: 'Big', text: 'x', attachments: [{ filename: 'big.pdf', content: Buffer.alloc(200_000, 1) }] });
    const err = await parseInboundMessage(raw, { maxBytes: 100_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('mail_too_large');
    expect((err as AppError).status).toBe(413);
    expect((err as AppError).message).toMatch(/^The message is 0\.3 MB; at most 0\.1 MB is accepted\.$/);
  });

  it('survives junk after the headers of a plain message', async () => {
    const junk = await parseInboundMessage(Buffer.concat([Buffer.from('From: a@b.test\r\nSubject: junk\r\n\r\n'), randomBytes(5000)]));
    expect(junk.subject).toBe('junk');
  });

  it('refuses broken MIME as a whole, saying what is wrong and what to do: never a part of it used', async () => {
    const refusal = async (raw: string | Buffer) => {
      const err = await parseInboundMessage(raw, { mailbox: MAILBOX }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('mail_malformed');
      const problems = ((err as AppError).details?.problems ?? []) as { kind: string; problem: string; fix: string }[];
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(p.fix).toMatch(/^Please /);
      expect((err as AppError).message).toContain(problems[0]!.problem);
      return problems;
    };
    expect((await refusal('From: a@b.test\r\nSubject: x\r\nContent-Type: multipart/mixed\r\n\r\nhello\r\n'))[0]?.kind).toBe('multipart-without-boundary');
    const full = (await compose(replyMail)).toString('latin1');
    const truncated = await refusal(full.slice(0, Math.floor(full.length * 0.7)));
    expect(truncated.map((p) => p.kind)).toContain('unterminated-multipart');
    const brokenSig = await refusal(
      'From: a@b.test\r\nSubject: s\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n--b--\r\n',
    );
    expect(brokenSig).toEqual([expect.objectContaining({ kind: 'invalid-base64', problem: expect.stringContaining('Part 2 of the message (application/pkcs7-signature) is damaged') })]);
    // an attachment whose base64 was damaged on the way: mailparser would decode what it can, still "%PDF-…"
    const damaged = full.replace(/(filename=invoice\.pdf\r\n\r\n)([A-Za-z0-9+/]{20})/, '$1$2!*~');
    expect(damaged).not.toBe(full);
    expect(await refusal(damaged)).toEqual([expect.objectContaining({ kind: 'invalid-base64', problem: 'The attachment "invoice.pdf" is damaged: its base64 encoding contains characters that are not base64.' })]);
  });

  it('refuses hostile attachment names however they are encoded (RFC 2231, continuations, encoded words)', async () => {
    const withName = (disposition: string) =>
      `From: a@b.test\r\nSubject: names\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="n"\r\n\r\n--n\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--n\r\nContent-Type: application/pdf\r\n${disposition}\r\nContent-Transfer-Encoding: base64\r\n\r\n${pdf.toString('base64')}\r\n--n--\r\n`;
    const b64 = (name: string) => `=?utf-8?B?${Buffer.from(name).toString('base64')}?=`;
    const cases: [string, RegExp][] = [
      ["Content-Disposition: attachment; filename*=utf-8''..%2F..%2Fetc%2Fpasswd.pdf", /folder path/],
      ["Content-Disposition: attachment; filename*0*=utf-8''bill%00; filename*1=\".pdf\"", /control characters/],
      [`Content-Disposition: attachment; filename="${b64('invoice\u202Efdp.exe')}"`, /right-to-left override/],
      [`Content-Disposition: attachment; filename="${b64('..\\..\\boot.ini')}"`, /folder path/],
      [`Content-Disposition: attachment; filename="${'x'.repeat(300)}.pdf"`, /characters long/],
      ['Content-Disposition: attachment; filename="AUX.pdf"', /reserved device name/],
    ];
    for (const [disposition, why] of cases) {
      const err = (await parseInboundMessage(withName(disposition)).catch((e: unknown) => e)) as AppError;
      expect(err, disposition).toBeInstanceOf(AppError);
      expect(err.code).toBe('mail_malformed');
      expect(err.message, disposition).toMatch(why);
      expect(err.details?.problems).toEqual([expect.objectContaining({ kind: 'file-name', fix: expect.stringContaining('rename the file') })]);
    }
    // an ordinary name is read as always
    const ok = await parseInboundMessage(withName(`Content-Disposition: attachment; filename="${b64('चालान 118.pdf')}"`));
    expect(ok.attachments.map((a) => a.filename)).toEqual(['चालान 118.pdf']);
  });
});
