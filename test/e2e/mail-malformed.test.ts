/**
 * Damaged and hostile MIME in replies to a deficiency e-mail, on real servers (SMTP relay → Dovecot →
 * the ingester → processInboundMail): a multipart cut off before its closing boundary, an attachment
 * whose base64 was damaged, a file name made to escape a folder or disguise a file (RFC 2231 and encoded
 * words). Each is quarantined (outcome `malformed`: kept as received, nothing used) and the exporter is
 * told in the thread what was wrong and what to do, with the deficiency's reply address; nothing is
 * stored as a deficiency-response document and the round stays open. Then a fuzz run: a few dozen
 * malformed variants from a list, each must end answered or quarantined, never stuck, never a stored
 * document, with the ingester still taking mail afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentRow, InboundMail } from '../../db/entities/index.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, invoicePdf } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus, workflowState } from '../helpers/lifecycle.js';
import { api } from '../helpers/stack.js';
import { startMailStack, type MailStack } from './helpdesk-harness.js';

const EXPORTS = 'exports@rajkumarexports.example'; // the IEC master record's e-mail

let ms: MailStack;
let pki: TestPki;
let pdf: Buffer;
const t = {} as Record<'raj' | 'priya', string>;
let app: { id: string; number: string; fileNumber: string; subject: string; deficiencyId: string; replyAddress: string };
let seq = 0;

beforeAll(async () => {
  ms = await startMailStack({ name: 'mail-malformed', users: [{ address: EXPORTS, password: 'exports-pw' }] });
  pki = await testPki(ms.stack);
  t.raj = await ms.stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
  t.priya = await ms.stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
  await registerWithDsc(ms.stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
  pdf = Buffer.from(await invoicePdf('COST/MIME/1'));

  // one application, Deficient, and the deficiency e-mail the exporter received (with its reply address)
  const draft = await createCompleteDraft(ms.stack, t.raj);
  await submitAndSign(ms.stack, pki, t.raj, draft.id, 'exporter-raj');
  await payAtGateway(ms.stack, t.raj, draft.id, 'success');
  const inProcess = await waitForStatus(ms.stack, t.raj, draft.id, 'In-Process');
  const d = await api(ms.stack, 'POST', `/v1/applications/${draft.id}/decisions/deficiency`, { token: t.priya, body: { remarks: 'Send the cost sheet.', documentsRequested: ['cost_sheet'] } });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  await waitForStatus(ms.stack, t.raj, draft.id, 'Deficient');
  const mail = await ms.waitForMail(EXPORTS, (m) => (m.subject ?? '').startsWith(`Deficiency raised on application ${inProcess.fileNumber} (round 1)`));
  app = {
    id: draft.id,
    number: draft.number,
    fileNumber: inProcess.fileNumber,
    subject: mail.subject ?? '',
    deficiencyId: mail.messageId!,
    replyAddress: (mail.replyTo?.value[0]?.address ?? '').toLowerCase(),
  };
});

afterAll(async () => {
  await ms?.stop();
});

const b64 = (buf: Buffer) => buf.toString('base64').replace(/.{76}/g, '$&\r\n');

/** A reply to the deficiency e-mail from the registered address: a clarification and one PDF, its MIME built by hand. */
function reply(o: { part?: (attachment: string) => string; disposition?: string; contentType?: string; cte?: string; body?: string; mutate?: (raw: string) => string; label: string }): { raw: string; messageId: string } {
  const messageId = `<malformed-${++seq}-${Date.now()}@rajkumarexports.example>`;
  const attachment = [
    `Content-Type: ${o.contentType ?? 'application/pdf'}`,
    `Content-Disposition: ${o.disposition ?? 'attachment; filename="cost-sheet.pdf"'}`,
    `Content-Transfer-Encoding: ${o.cte ?? 'base64'}`,
    '',
    o.body ?? b64(pdf),
  ].join('\r\n');
  const raw = [
    `From: Raj Kumar Sharma <${EXPORTS}>`,
    `To: ${app.replyAddress}`,
    `Subject: Re: ${app.subject}`,
    `Message-ID: ${messageId}`,
    `In-Reply-To: ${app.deficiencyId}`,
    `References: ${app.deficiencyId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="==reply=="',
    '',
    '--==reply==',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `The cost sheet is attached (${o.label}).`,
    '--==reply==',
    o.part ? o.part(attachment) : attachment,
    '--==reply==--',
    '',
  ].join('\r\n');
  return { raw: o.mutate ? o.mutate(raw) : raw, messageId };
}

async function send(r: { raw: string; messageId: string }): Promise<string> {
  await ms.send({ envelope: { from: EXPORTS, to: [app.replyAddress] }, raw: r.raw });
  return r.messageId;
}

async function outcomeOf(messageId: string, timeoutMs = 60_000): Promise<InboundMail> {
  return ms.waitFor(`the outcome of ${messageId}`, async () => {
    const r = await ms.inbound(messageId);
    return r?.status === 'done' && r.outcome && r;
  }, timeoutMs);
}

const storedResponseFiles = () => ms.stack.orm.em.fork().count(AttachmentRow, { applicationId: app.id, purpose: 'deficiency-response' });

async function expectQuarantined(messageId: string, problem: RegExp, whatToDo: RegExp): Promise<void> {
  const row = await outcomeOf(messageId);
  expect(row.outcome).toBe('malformed');
  const details = row.outcomeDetails as { answered: boolean; reason: string; problems: string[] };
  expect(details.answered).toBe(true);
  expect(details.problems.join(' ')).toMatch(problem);
  // kept as received
  const kept = await ms.stack.orm.em.fork().findOneOrFail(InboundMail, { id: row.id }, { populate: ['raw'] });
  expect(kept.rawSha256).toMatch(/^[0-9a-f]{64}$/);
  // the answer: in the thread, what was wrong and what to do, replying to it reaches the same round
  const answer = await ms.waitForMail(EXPORTS, (m) => m.inReplyTo === messageId);
  expect(answer.subject).toBe(`Not processed: ${app.subject}`);
  expect(answer.references).toEqual(expect.arrayContaining([app.deficiencyId, messageId]));
  expect(answer.text).toContain(`your reply about deficiency round 1 of application ${app.fileNumber}`);
  expect(answer.text).toMatch(problem);
  expect(answer.text).toContain('What to do:');
  expect(answer.text).toMatch(whatToDo);
  expect(answer.text).toContain('Reply to this e-mail with your clarification and the files');
  expect(answer.replyTo?.value[0]?.address?.toLowerCase()).toBe(app.replyAddress);
  const copy = await ms.processedCopy(messageId);
  expect(copy.flags).toEqual(expect.arrayContaining(['$CooProcessed', '$CooRejected']));
  // nothing was handed to the workflow, nothing stored as a response document
  expect(await storedResponseFiles()).toBe(0);
  const state = await workflowState(ms.stack, t.raj, app.id);
  expect(state.status).toBe('Deficient');
  expect(state.signing).toBeUndefined();
}

describe('damaged or hostile MIME in a deficiency reply is quarantined, and the exporter told what to do', () => {
  it('a multipart cut off before its closing boundary (its PDF still starts with %PDF-)', async () => {
    const id = await send(reply({ label: 'cut off', mutate: (raw) => raw.slice(0, raw.indexOf('--==reply==--') - 400) }));
    await expectQuarantined(id, /ends before its last part is closed/, /Please send the e-mail again/);
  });

  it('an attachment whose base64 was damaged on the way', async () => {
    const body = b64(pdf);
    const id = await send(reply({ label: 'bad base64', body: `${body.slice(0, 300)}*#!${body.slice(300)}` }));
    await expectQuarantined(id, /The attachment "cost-sheet\.pdf" is damaged: its base64 encoding contains characters that are not base64/, /Please attach the file again/);
  });

  it('file names that escape a folder or disguise the file: RFC 2231 and encoded words', async () => {
    const rlo = `=?utf-8?B?${Buffer.from('cost-sheet\u202Efdp.exe').toString('base64')}?=`;
    const path = await send(reply({ label: 'path', disposition: "attachment; filename*=utf-8''..%2F..%2F..%2Fetc%2Fcron.d%2Fcost-sheet.pdf" }));
    const override = await send(reply({ label: 'rlo', disposition: `attachment; filename="${rlo}"` }));
    await expectQuarantined(path, /The name of the attachment "cost-sheet\.pdf" is not accepted: it contains a folder path/, /rename the file to a plain name/);
    await expectQuarantined(override, /is not accepted: it contains invisible characters .*right-to-left override/, /rename the file to a plain name/);
  });
});

/** The fuzz list: structural damage, then hostile names in each way a name can be encoded. */
function variants(): { label: string; raw: string; messageId: string }[] {
  const out: { label: string; raw: string; messageId: string }[] = [];
  const add = (label: string, o: Omit<Parameters<typeof reply>[0], 'label'>) => out.push({ label, ...reply({ ...o, label }) });
  const body = b64(pdf);
  const closing = (raw: string) => raw.indexOf('--==reply==--');

  for (const keep of [0.3, 0.6, 0.9, 0.99]) add(`cut off at ${keep * 100}%`, { mutate: (raw) => raw.slice(0, Math.floor(closing(raw) * keep)) });
  add('closing boundary missing', { mutate: (raw) => raw.replace('--==reply==--\r\n', '') });
  add('closing boundary misspelt', { mutate: (raw) => raw.replace('--==reply==--', '--==reply=--') });
  add('no boundary parameter', { mutate: (raw) => raw.replace('; boundary="==reply=="', '') });
  add('boundary never used', { mutate: (raw) => raw.replace('boundary="==reply=="', 'boundary="==other=="') });
  add('base64 with foreign characters', { body: `${body.slice(0, 120)}@@${body.slice(120)}` });
  add('base64 with padding in the middle', { body: `${body.slice(0, 200)}==${body.slice(200)}` });
  add('base64 cut to an impossible length', { body: body.replace(/\r\n/g, '').slice(0, 401) });
  add('base64 with a percent escape', { body: `${body.slice(0, 80)}%00${body.slice(80)}` });
  add('unknown transfer encoding', { cte: 'x-uuencode' });
  add('transfer encoding typo', { cte: 'base-64' });
  add('nested multipart cut off', {
    part: (a) => `Content-Type: multipart/mixed; boundary="inner"\r\n\r\n--inner\r\n${a}\r\n`,
  });
  add('nested multipart without parts', { part: () => 'Content-Type: multipart/related; boundary="inner"\r\n\r\nnothing here\r\n' });
  add('signature part with broken base64', {
    mutate: (raw) =>
      raw.replace(
        '--==reply==--',
        '--==reply==\r\nContent-Type: application/pkcs7-signature; name="smime.p7s"\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzAN!!!!\r\n--==reply==--',
      ),
  });
  add('parts nested 30 deep', {
    part: (a) => {
      let p = a;
      for (let i = 30; i > 0; i--) p = `Content-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}\r\n${p}\r\n--d${i}--`;
      return p;
    },
  });

  const hostile: [string, string][] = [
    ['path (slash)', '../../etc/passwd.pdf'],
    ['path (backslash)', '..\\..\\Windows\\System32\\cost.pdf'],
    ['absolute path', '/var/lib/coo/cost.pdf'],
    ['dot-dot', '..cost.pdf'],
    ['NUL', 'cost\u0000.pdf'],
    ['line break', 'cost\r\nX-Injected: yes.pdf'],
    ['right-to-left override', 'cost\u202Efdp.exe'],
    ['right-to-left isolate', 'cost\u2067fdp.exe'],
    ['very long', `${'cost-sheet-'.repeat(30)}.pdf`],
    ['Windows device', 'CON.pdf'],
    ['Windows device with number', 'COM1.pdf'],
    ['full-width solidus', '..\uFF0Fcost.pdf'],
  ];
  const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  for (const [label, name] of hostile) {
    add(`RFC 2231 name: ${label}`, { disposition: `attachment; filename*=utf-8''${pct(name)}` });
    // continuations, split away from a %XX escape
    const chunks: string[] = [];
    let rest = pct(name);
    while (rest.length > 0) {
      let cut = Math.min(40, rest.length);
      while (cut < rest.length && /%[0-9A-F]?$/.test(rest.slice(0, cut))) cut--;
      chunks.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    add(`RFC 2231 continuations: ${label}`, { disposition: `attachment;\r\n ${chunks.map((c, i) => `filename*${i}*=${i === 0 ? "utf-8''" : ''}${c}`).join(';\r\n ')}` });
    if (name.length < 60) add(`encoded word: ${label}`, { disposition: 'attachment', contentType: `application/pdf; name="=?utf-8?B?${Buffer.from(name).toString('base64')}?="` });
  }
  return out;
}

describe('fuzz: malformed MIME sent over SMTP', () => {
  it('ends every variant answered or quarantined, never stuck, never a stored document; the ingester keeps taking mail', async () => {
    const list = variants();
    expect(list.length).toBeGreaterThanOrEqual(36);
    for (const v of list) await send(v);

    const rows = await Promise.all(list.map((v) => outcomeOf(v.messageId, 120_000)));
    const outcomes = rows.map((r, i) => [list[i]!.label, r.outcome]);
    // every one quarantined (nothing of a damaged message is half-used), and its sender answered
    expect(outcomes.filter(([, o]) => o !== 'malformed')).toEqual([]);
    expect(rows.filter((r) => (r.outcomeDetails as { answered?: boolean }).answered !== true).map((r) => r.messageId)).toEqual([]);
    const box = await ms.waitFor(
      'an answer in the thread of every variant',
      async () => {
        const all = await ms.mailbox(EXPORTS);
        return list.every((v) => all.some((m) => m.inReplyTo === v.messageId)) && all;
      },
      120_000,
    );
    // one answer each, saying it was not processed
    expect(list.filter((v) => box.filter((m) => m.inReplyTo === v.messageId && m.subject === `Not processed: ${app.subject}`).length !== 1).map((v) => v.label)).toEqual([]);
    expect(await storedResponseFiles()).toBe(0);
    const state = await workflowState(ms.stack, t.raj, app.id);
    expect(state.status).toBe('Deficient');
    expect(state.signing).toBeUndefined();

    // the ingester is still running: a well-formed reply sent afterwards is taken as the response
    const good = await send(reply({ label: 'well-formed' }));
    expect((await outcomeOf(good)).outcome).toBe('deficiency-response');
    const files = await ms.stack.orm.em.fork().find(AttachmentRow, { applicationId: app.id, purpose: 'deficiency-response' });
    expect(files.map((f) => f.fileName)).toEqual(['cost-sheet.pdf']);
    expect((await workflowState(ms.stack, t.raj, app.id)).signing.purpose).toBe('clarification');
  });
});
