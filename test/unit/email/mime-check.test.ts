import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { beforeAll, describe, expect, it } from 'vitest';
import { findMimeDefects, MAX_DEPTH } from '../../../channels/email/mime-check.js';
import { composeSignedMessage, type SmimeSigningIdentity } from '../../../channels/email/smime-sign.js';
import { ensureTestPki } from '../../../scripts/pki/test-pki.js';

const compose = (mail: MailComposerOptions) => new MailComposer(mail).compile().build();
const pdf = Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'.repeat(40));
const HEAD = 'From: a@b.test\r\nSubject: s\r\nMIME-Version: 1.0\r\n';

let raj: SmimeSigningIdentity;
beforeAll(async () => {
  const pki = await ensureTestPki(join(tmpdir(), 'coo-test-pki'));
  const id = pki.identities['exporter-raj']!;
  raj = { certPem: id.certPem, keyPem: id.keyPem, chainPems: [pki.subCaPem] };
});

const kinds = (raw: string | Buffer) => findMimeDefects(raw).map((d) => d.kind);

describe('findMimeDefects', () => {
  it('finds nothing wrong in what mail programs send', async () => {
    const mail: MailComposerOptions = {
      from: 'Raj <raj@rajoverseas.test>',
      to: 'helpdesk@coo.test',
      subject: 'Re: Deficiency — चालान',
      text: 'Dear Sir,\nthe invoice is attached. ₹ 1,500 = USD 18\n'.repeat(30),
      html: '<p>Dear Sir,</p><p>the invoice is attached.</p><img src="cid:logo@x">',
      attachments: [
        { filename: 'invoice.pdf', content: pdf },
        { filename: 'चालान 118.pdf', content: pdf },
        { filename: 'logo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), cid: 'logo@x' },
        { filename: 'forwarded.eml', content: Buffer.from('From: x@y.test\r\nSubject: old\r\n\r\nold mail\r\n'), contentType: 'message/rfc822' },
      ],
    };
    expect(findMimeDefects(await compose(mail))).toEqual([]);
    expect(findMimeDefects(await compose({ ...mail, textEncoding: 'quoted-printable' }))).toEqual([]);
    expect(findMimeDefects(await composeSignedMessage(mail, raj))).toEqual([]);
    expect(findMimeDefects(await composeSignedMessage(mail, raj, { mode: 'opaque' }))).toEqual([]);
    // plain text without MIME headers, LF line ends, base64 without padding, an epilogue after the closing line
    expect(findMimeDefects('From: a@b.test\nSubject: plain\n\nhello\n')).toEqual([]);
    const unpadded = Buffer.from('ab').toString('base64').replace(/=+$/, '');
    expect(findMimeDefects(`${HEAD}Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: BASE64\r\n\r\n${unpadded}\r\n--b--  \r\nepilogue\r\n`)).toEqual([]);
  });

  it('finds a multipart that is not closed, has no boundary or no parts, also nested', () => {
    expect(kinds(`${HEAD}Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7`)).toEqual(['unterminated-multipart']);
    expect(kinds(`${HEAD}Content-Type: multipart/mixed\r\n\r\nhi\r\n`)).toEqual(['multipart-without-boundary']);
    expect(kinds(`${HEAD}Content-Type: multipart/mixed; boundary="b"\r\n\r\nno parts here\r\n`)).toEqual(['multipart-without-parts']);
    // the inner multipart is cut off, the outer one is closed
    expect(
      kinds(`${HEAD}Content-Type: multipart/mixed; boundary="outer"\r\n\r\n--outer\r\nContent-Type: multipart/alternative; boundary="inner"\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nhi\r\n--outer--\r\n`),
    ).toEqual(['unterminated-multipart']);
    // a boundary that begins like another one does not close it
    expect(kinds(`${HEAD}Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1--\r\n`)).toEqual(['unterminated-multipart']);
  });

  it('finds invalid base64 and unknown transfer encodings, naming the part', () => {
    const part = (cte: string, body: string, name = 'scan.pdf') =>
      `${HEAD}Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: application/pdf; name="${name}"\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n${body}\r\n--b--\r\n`;
    const good = pdf.toString('base64');
    expect(findMimeDefects(part('base64', `${good.slice(0, 40)}#$%${good.slice(40)}`))).toEqual([
      expect.objectContaining({ kind: 'invalid-base64', problem: 'The attachment "scan.pdf" is damaged: its base64 encoding contains characters that are not base64.' }),
    ]);
    expect(findMimeDefects(part('base64', 'QQ==QUJD'))[0]?.problem).toContain('padding ("=") in the middle');
    expect(findMimeDefects(part('base64', 'QUJDR'))[0]?.problem).toContain('is cut off');
    expect(findMimeDefects(part('x-uuencode', 'begin 644 scan.pdf'))).toEqual([expect.objectContaining({ kind: 'unknown-encoding' })]);
    // a name in RFC 2231 form is decoded (and sanitised) to say which file it is
    const rfc2231 = `${HEAD}Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''%E0%A4%9A%E0%A4%BE%E0%A4%B2%E0%A4%BE%E0%A4%A8.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!\r\n--b--\r\n`;
    expect(findMimeDefects(rfc2231)[0]?.problem).toContain('The attachment "चालान.pdf"');
  });

  it('stops at absurd nesting', () => {
    let body = 'hi';
    for (let i = MAX_DEPTH + 5; i > 0; i--) body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
    expect(kinds(`${HEAD}${body}\r\n`)).toEqual(['too-complex']);
  });
});
