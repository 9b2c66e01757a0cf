/**
 * Deficiency replies by e-mail on real servers: the officer raises a deficiency through the API, the
 * exporter's mailbox (Dovecot) receives the deficiency mail with its reply address, the exporter replies
 * from the registered address with files, and the ingester turns the reply into the "No" response of
 * the running application workflow; the response is signed (API, or S/MIME) and the round completes.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentRow, InboundMail, SignedVersion } from '../../db/entities/index.js';
import { composeSignedMessage } from '../../channels/email/smime-sign.js';
import { acceptSmimeSignedResponse } from '../../services/mail/accept-smime.js';
import { loadStoredMail } from '../../services/mail/stored-mail.js';
import { identitySetupFromConfig } from '../../services/identity/identity-setup.js';
import type { SigningPayload } from '../../workflows/application/contract.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft, invoicePdf } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, sign, submitAndSign, testPki, waitForStatus, workflowState } from '../helpers/lifecycle.js';
import { api } from '../helpers/stack.js';
import { startMailStack, type MailStack } from './helpdesk-harness.js';

const EXPORTS = 'exports@rajkumarexports.example'; // the IEC master record's e-mail
const STRANGER = 'accounts@lookalike-exports.test';

let ms: MailStack;
let pki: TestPki;
const t = {} as Record<'raj' | 'priya', string>;

type Parsed = Awaited<ReturnType<MailStack['waitForMail']>>;

beforeAll(async () => {
  ms = await startMailStack({ name: 'mail-deficiency', users: [{ address: EXPORTS, password: 'exports-pw' }, { address: STRANGER, password: 'stranger-pw' }] });
  pki = await testPki(ms.stack);
  t.raj = await ms.stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
  t.priya = await ms.stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
  await registerWithDsc(ms.stack, pki, t.raj, 'AAACR5055K', 'exporter-raj');
});

afterAll(async () => {
  await ms?.stop();
});

/** An application In-Process, then Deficient, and the deficiency e-mail the exporter received. */
async function deficient(remarks: string): Promise<{ id: string; number: string; fileNumber: string; mail: Parsed; replyAddress: string }> {
  const draft = await createCompleteDraft(ms.stack, t.raj);
  await submitAndSign(ms.stack, pki, t.raj, draft.id, 'exporter-raj');
  await payAtGateway(ms.stack, t.raj, draft.id, 'success');
  const inProcess = await waitForStatus(ms.stack, t.raj, draft.id, 'In-Process');
  const d = await api(ms.stack, 'POST', `/v1/applications/${draft.id}/decisions/deficiency`, { token: t.priya, body: { remarks, documentsRequested: ['cost_sheet'] } });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  await waitForStatus(ms.stack, t.raj, draft.id, 'Deficient');
  const mail = await ms.waitForMail(EXPORTS, (m) => (m.subject ?? '').startsWith(`Deficiency raised on application ${inProcess.fileNumber} (round 1)`));
  const replyAddress = (mail.replyTo?.value[0]?.address ?? '').toLowerCase();
  expect(replyAddress).toMatch(/^helpdesk\+[a-z0-9_]+\.1\.[a-z2-7]{16}@coo\.test$/);
  return { id: draft.id, number: draft.number, fileNumber: inProcess.fileNumber, mail, replyAddress };
}

const quoted = (m: Parsed) => `\n\nThanks & Regards,\nRaj Kumar Sharma\nFor RAJ KUMAR EXPORTS PVT LTD\n\nOn Sat, 21 Nov 2026 at 10:15, CoO Trade Connect <no-reply@coo.test> wrote:\n${(m.text ?? '').split('\n').slice(0, 6).map((l) => `> ${l}`).join('\n')}`;

async function outcomeOf(messageId: string): Promise<InboundMail> {
  return ms.waitFor(`the outcome of ${messageId}`, async () => {
    const r = await ms.inbound(messageId);
    return r?.outcome && r;
  }, 60_000);
}

describe('a reply to the deficiency e-mail becomes the "No" response', () => {
  it('completes the round: clarification (quotes and signature stripped) and files, then signed through the API', async () => {
    const app = await deficient('Send the cost sheet for item 1 and the supplier invoice.');
    const costSheet = Buffer.from(await invoicePdf('COST/SHEET/1'));
    const supplier = Buffer.from(await invoicePdf('SUP/2026/77'));
    const replyId = await ms.send({
      from: `Raj Kumar Sharma <${EXPORTS}>`,
      to: app.replyAddress,
      subject: `Re: ${app.mail.subject}`,
      inReplyTo: app.mail.messageId!,
      references: [app.mail.messageId!],
      text: `Please find the cost sheet for item 1 and the supplier's invoice attached.${quoted(app.mail)}`,
      attachments: [
        { filename: 'cost sheet (item 1).pdf', content: costSheet, contentType: 'application/pdf' },
        { filename: 'supplier invoice', content: supplier, contentType: 'application/octet-stream' },
      ],
    });
    const row = await outcomeOf(replyId);
    expect(row.outcome).toBe('deficiency-response');

    // the files, kept as the round's deficiency-response attachments, by content
    const files = await ms.stack.orm.em.fork().find(AttachmentRow, { applicationId: app.id, purpose: 'deficiency-response', round: 1 }, { orderBy: { fileName: 'asc' } });
    expect(files).toHaveLength(2);
    // named as API uploads are (sanitised), typed by content (the second was sent as octet-stream without an extension)
    expect(files.map((f) => [f.fileName, f.contentType])).toEqual([
      ['cost_sheet_item_1.pdf', 'pdf'],
      ['supplier_invoice.pdf', 'pdf'],
    ]);
    const { createHash } = await import('node:crypto');
    expect(files.map((f) => f.sha256).sort()).toEqual([costSheet, supplier].map((b) => createHash('sha256').update(b).digest('hex')).sort());

    // the workflow waits for the signature of exactly that response
    const state = await workflowState(ms.stack, t.raj, app.id);
    expect(state.status).toBe('Deficient');
    expect(state.signing.purpose).toBe('clarification');
    const doc = JSON.parse(Buffer.from(state.signing.contentB64, 'base64').toString());
    expect(doc.clarification).toBe("Please find the cost sheet for item 1 and the supplier's invoice attached.");
    expect(doc.attachments.map((a: { id: string }) => a.id).sort()).toEqual(files.map((f) => f.id).sort());

    // the exporter is asked to sign it, in the same thread, with the bytes attached
    const ask = await ms.waitForMail(EXPORTS, (m) => m.inReplyTo === replyId);
    expect(ask.text).toContain('must be signed with your registered Digital Signature Certificate');
    expect(ask.text).toContain(`/v1/applications/${app.number}/signature`);
    expect(ask.text).toContain(state.signing.sha256);
    expect(ask.replyTo?.value[0]?.address?.toLowerCase()).toBe(app.replyAddress);
    const payloadFile = ask.attachments.find((a) => a.filename?.endsWith('-round-1.json'))!;
    expect(payloadFile.content.toString('base64')).toBe(state.signing.contentB64);

    // signed through the API: the round is answered and the file goes back to the officer
    const signed = await api(ms.stack, 'POST', `/v1/applications/${app.id}/signature`, { token: t.raj, body: { signatureB64: sign(pki, 'exporter-raj', payloadFile.content.toString('base64')) } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    const back = await waitForStatus(ms.stack, t.raj, app.id, 'In-Process');
    expect(back.deficiencies[0].response).toMatchObject({ kind: 'clarification', clarification: doc.clarification, attachmentIds: doc.attachments.map((a: { id: string }) => a.id) });
    const copy = await ms.processedCopy(replyId);
    expect(copy.flags).toEqual(expect.arrayContaining(['$CooProcessed', '$CooDeficiency']));
    expect(copy.flags).not.toContain('$CooRejected');
  });

  it('answers a reply that breaks the rules with what to fix, keeps it, and accepts the corrected reply', async () => {
    const app = await deficient('Send the cost sheet.');
    const pdf = Buffer.from(await invoicePdf('COST/2'));
    const replyId = await ms.send({
      from: EXPORTS,
      to: app.replyAddress,
      subject: `Re: ${app.mail.subject}`,
      inReplyTo: app.mail.messageId!,
      text: 'Documents attached.',
      attachments: [
        ...Array.from({ length: 5 }, (_, i) => ({ filename: `page-${i + 1}.pdf`, content: pdf })),
        { filename: 'page-6.pdf', content: pdf },
        { filename: 'costing.pdf', content: Buffer.from('MZ\x90\x00\x03 this is a Windows program', 'latin1') },
        // a PDF header and nothing else, and a PNG: refused by mail as through the API
        { filename: 'forged.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') },
        { filename: 'photo.png', content: await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer() },
      ],
    });
    expect((await outcomeOf(replyId)).outcome).toBe('deficiency-problems');
    const answer = await ms.waitForMail(EXPORTS, (m) => m.inReplyTo === replyId);
    expect(answer.text).toContain('could not be passed to the officer');
    expect(answer.text).toContain('costing.pdf: type not allowed (only PDF, JPG, XLS, XLSX)');
    expect(answer.text).toContain('forged.pdf: not accepted: it is a damaged or incomplete PDF (it starts like a PDF but cannot be read as one)');
    expect(answer.text).toContain('photo.png: type not allowed (only PDF, JPG, XLS, XLSX)');
    expect(answer.text).toContain('At most 5 files are allowed in one reply; these were not taken: page-6.pdf');
    expect(answer.text).toContain('nothing you sent is lost');
    const state = await workflowState(ms.stack, t.raj, app.id);
    expect(state.status).toBe('Deficient');
    expect(state.signing).toBeUndefined();
    // the file number the mails lead with is an address of the file too
    const byFileNumber = await api(ms.stack, 'GET', `/v1/applications/${state.fileNumber}/workflow`, { token: t.raj });
    expect(byFileNumber.status, JSON.stringify(byFileNumber.body)).toBe(200);
    expect(byFileNumber.body.status).toBe('Deficient');
    expect(await ms.stack.orm.em.fork().count(AttachmentRow, { applicationId: app.id, purpose: 'deficiency-response' })).toBe(0);
    const kept = await ms.stack.orm.em.fork().findOneOrFail(InboundMail, { messageId: replyId }, { populate: ['raw'] });
    expect(kept.rawSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(kept.raw!).toString()).toContain('costing.pdf');
    const copy = await ms.processedCopy(replyId);
    expect(copy.flags).toEqual(expect.arrayContaining(['$CooProcessed', '$CooDeficiency', '$CooRejected']));

    // an empty reply is refused too
    const empty = await ms.send({ from: EXPORTS, to: app.replyAddress, subject: `Re: ${app.mail.subject}`, text: `${quoted(app.mail)}` });
    expect((await outcomeOf(empty)).outcome).toBe('deficiency-problems');
    expect((await ms.waitForMail(EXPORTS, (m) => m.inReplyTo === empty)).text).toContain('no clarification text and no attached file');

    // the corrected reply is taken
    const fixed = await ms.send({ from: EXPORTS, to: app.replyAddress, subject: `Re: ${app.mail.subject}`, text: 'Cost sheet attached.', attachments: [{ filename: 'cost.pdf', content: pdf }] });
    expect((await outcomeOf(fixed)).outcome).toBe('deficiency-response');
    expect((await workflowState(ms.stack, t.raj, app.id)).signing.purpose).toBe('clarification');
  });

  it('does not take a reply from an address not registered for the IEC: a suspicious ticket instead', async () => {
    const app = await deficient('Clarify the origin criterion.');
    const replyId = await ms.send({ from: `Raj Kumar Exports <${STRANGER}>`, to: app.replyAddress, subject: `Re: ${app.mail.subject}`, text: 'Clarification: origin criterion is WO.' });
    expect((await outcomeOf(replyId)).outcome).toBe('suspicious');
    const state = await workflowState(ms.stack, t.raj, app.id);
    expect(state.status).toBe('Deficient');
    expect(state.signing).toBeUndefined();
    const ticket = (await ms.ticketForMessage(replyId))!;
    expect(ticket.suspicious).toBe(true);
    expect(ticket.applicationNumber).toBe(app.fileNumber);
    // the helpdesk reads the file number, not the draft number behind the reply address
    expect(ticket.suspicionReason).toContain(`deficiency e-mail of file ${app.fileNumber} (round`);
    expect(await ms.mailbox(STRANGER)).toHaveLength(0);
  });
});

describe('a reply signed with S/MIME by the exporter’s registered DSC', () => {
  it('is accepted as signed: the round completes with the signed part as the response', async () => {
    const app = await deficient('Send the signed cost sheet.');
    const id = pki.identities['exporter-raj']!;
    const pdf = Buffer.from(await invoicePdf('COST/SMIME'));
    // an earlier, unsigned reply of the same round, superseded by the signed one below
    const earlier = await ms.send({
      from: EXPORTS,
      to: app.replyAddress,
      subject: `Re: ${app.mail.subject}`,
      text: 'A first draft of the cost sheet.',
      attachments: [{ filename: 'draft-cost-sheet.pdf', content: Buffer.from(await invoicePdf('COST/DRAFT')), contentType: 'application/pdf' }],
    });
    expect((await outcomeOf(earlier)).outcome).toBe('deficiency-response');
    const messageId = `<smime-reply-${Date.now()}@rajkumarexports.example>`;
    const raw = await composeSignedMessage(
      {
        from: `Raj Kumar Sharma <${EXPORTS}>`,
        to: app.replyAddress,
        subject: `Re: ${app.mail.subject}`,
        messageId,
        inReplyTo: app.mail.messageId!,
        references: [app.mail.messageId!],
        text: `The cost sheet is attached; this e-mail is signed with my DSC.${quoted(app.mail)}`,
        attachments: [{ filename: 'cost-sheet.pdf', content: pdf, contentType: 'application/pdf' }],
      },
      { certPem: id.certPem, keyPem: id.keyPem, chainPems: [pki.subCaPem] },
    );
    await ms.send({ envelope: { from: EXPORTS, to: [app.replyAddress] }, raw });
    const row = await outcomeOf(messageId);
    expect(row.outcome).toBe('deficiency-signed');

    // signUpdate with method 'smime': the round completes by itself, signed by Raj's registered DSC
    const back = await waitForStatus(ms.stack, t.raj, app.id, 'In-Process');
    expect(back.deficiencies[0].response).toMatchObject({ kind: 'clarification', clarification: 'The cost sheet is attached; this e-mail is signed with my DSC.', by: { id: 'AAACR5055K-1', channel: 'email' } });
    expect(back.deficiencies[0].response.attachmentIds).toHaveLength(1);
    const em = ms.stack.orm.em.fork();
    const version = await em.findOneOrFail(SignedVersion, { applicationId: app.id, purpose: 'clarification' });
    expect(version).toMatchObject({ method: 'smime', signerId: 'AAACR5055K-1', signatureB64: `smime:inbound_mail/${row.id}`, sha256: back.deficiencies[0].response.sha256 });
    const accepted = await ms.waitForMail(EXPORTS, (m) => m.inReplyTo === messageId);
    expect(accepted.text).toContain('has been passed to the officer');
    expect(accepted.text).toContain('cost-sheet.pdf');

    // only the signed reply's file was submitted: the officer does not see the earlier draft, the exporter sees it not submitted
    const responseFiles = await em.find(AttachmentRow, { applicationId: app.id, purpose: 'deficiency-response' }, { orderBy: { fileName: 'asc' } });
    expect(responseFiles.map((f) => [f.fileName, f.submitted])).toEqual([
      ['cost-sheet.pdf', true],
      ['draft-cost-sheet.pdf', false],
    ]);
    expect(back.deficiencies[0].response.attachmentIds).toEqual([responseFiles[0]!.id]);
    const listed = async (token: string) =>
      ((await api(ms.stack, 'GET', `/v1/applications/${app.id}/attachments`, { token })).body.items as { purpose: string; fileName: string }[])
        .filter((a) => a.purpose === 'deficiency-response')
        .map((a) => a.fileName);
    expect(await listed(t.priya)).toEqual(['cost-sheet.pdf']);
    expect((await listed(t.raj)).sort()).toEqual(['cost-sheet.pdf', 'draft-cost-sheet.pdf']);

    // the activity behind it refuses a payload the e-mail does not carry, a signer who is not the DSC's
    // user, and a tampered copy of the e-mail
    const identity = await identitySetupFromConfig(ms.stack.config.identity, { helpdeskAddress: ms.stack.config.mail.helpdeskAddress })();
    const stored = await loadStoredMail(em, row.id);
    const { createHash } = await import('node:crypto');
    const payloadOf = (doc: unknown): SigningPayload => {
      const bytes = Buffer.from(JSON.stringify(doc));
      return { purpose: 'clarification', round: 1, sha256: createHash('sha256').update(bytes).digest('hex'), contentB64: bytes.toString('base64') };
    };
    const signedDoc = version.content as { clarification: string };
    const input = { applicationId: app.id, iec: 'AAACR5055K', payload: payloadOf(signedDoc), signerId: 'AAACR5055K-1', mailId: row.id, raw: stored.raw };
    expect(await acceptSmimeSignedResponse(em, identity, { ...input, stepKey: `test/smime/${row.id}` })).toMatchObject({ signerId: 'AAACR5055K-1', signerName: 'RAJ KUMAR SHARMA' });
    await expect(acceptSmimeSignedResponse(em, identity, { ...input, stepKey: `test/smime2/${row.id}`, payload: payloadOf({ ...signedDoc, clarification: 'Something else.' }) })).rejects.toMatchObject({
      code: 'signature_invalid',
    });
    await expect(acceptSmimeSignedResponse(em, identity, { ...input, stepKey: `test/smime3/${row.id}`, signerId: 'AAACR5055K-2' })).rejects.toMatchObject({ code: 'signer_not_acting_user' });
    const tampered = Buffer.from(stored.raw.toString('latin1').replace('The cost sheet is attached', 'The cost sheet is attachee'), 'latin1');
    await expect(acceptSmimeSignedResponse(em, identity, { ...input, raw: tampered, stepKey: `test/smime4/${row.id}` })).rejects.toMatchObject({ code: 'signature_invalid' });
  });
});
