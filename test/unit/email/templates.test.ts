import { describe, expect, it } from 'vitest';
import { knownProblem } from '../../../channels/email/faq.js';
import { ticketNumberFromSubject } from '../../../channels/email/message-id.js';
import { createReplyToken, replyAddress, tokenFromSubject } from '../../../channels/email/reply-token.js';
import { stripReply } from '../../../channels/email/strip-reply.js';
import { renderOfficerDeadline } from '../../../channels/email/templates/officer-deadline.js';
import {
  escapeHtml,
  formatRupees,
  formatWait,
  html,
  renderApproval,
  renderDeficiencyRaised,
  renderDeficiencyReminder,
  renderPaymentReminder,
  renderRejection,
  renderReplyAccepted,
  renderReplyProblems,
  renderSignatureNeeded,
  renderSubmissionReceived,
  renderTicketAcknowledgement,
  renderTicketClosedNoReply,
  renderTicketReply,
  type RenderedMail,
} from '../../../channels/email/templates/index.js';

const ctx = { platformName: 'CoO Trade Connect', portalUrl: 'https://coo.example.test', helpdeskAddress: 'helpdesk@coo.test' };
const APP = 'HQRCCOAPPLY00000019AM25';
const token = createReplyToken({ applicationNumber: APP, round: 2 }, 'reply-secret-for-tests-0123456789');
const evil = 'Raj <script>alert("x")</script> & Sons';

function expectWellFormed(m: RenderedMail): void {
  expect(m.subject).not.toMatch(/[\r\n]/);
  expect(m.text).not.toMatch(/<(p|div|br|a|table|tr|td|ul|ol|li|strong|hr)[\s>]/i);
  expect(m.html).toMatch(/^<!doctype html>/);
  expect(m.html).not.toContain('<script>');
}

describe('outgoing mail templates', () => {
  it('submission received', () => {
    const m = renderSubmissionReceived({
      ctx,
      exporterName: evil,
      applicationNumber: APP,
      agreement: 'India Oman CEPA (Agency Issued)',
      agency: 'Export Inspection Council of India',
      office: 'EIC Mumbai',
      invoiceNumber: 'INV/2025-26/001',
      submittedAt: new Date('2025-03-04T04:45:00Z'),
      amountPaid: 392,
    });
    expectWellFormed(m);
    expect(m.subject).toBe(`Application ${APP} submitted to Export Inspection Council of India, EIC Mumbai`);
    expect(m.text).toContain('Dear Raj <script>alert("x")</script> & Sons,');
    expect(m.html).toContain('Dear Raj &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons,');
    expect(m.text).toContain('04 Mar 2025, 10:15 am IST');
    expect(m.text).toContain('₹392.00');
    expect(m.text).toContain('In-Process');
  });

  it('deficiency raised: remarks, reply address, the 5 files / 5 MB / types rule and the token in the subject', () => {
    const address = replyAddress('helpdesk@coo.test', token);
    const m = renderDeficiencyRaised({
      ctx,
      exporterName: 'Raj Overseas Pvt Ltd',
      applicationNumber: APP,
      round: 2,
      office: 'EIC Mumbai',
      officerRemarks: 'Invoice value does not match the sum of the items.\nAttach the <corrected> invoice.',
      replyAddress: address,
      replyToken: token,
      respondBy: new Date('2025-03-11T00:00:00Z'),
    });
    expectWellFormed(m);
    expect(tokenFromSubject(m.subject)).toBe(token);
    expect(m.subject).toContain('(round 2)');
    expect(m.text).toContain('  | Attach the <corrected> invoice.');
    expect(m.html).toContain('Attach the &lt;corrected&gt; invoice.');
    expect(m.text).toContain('Attach at most 5 files of at most 5 MB each, PDF, JPG, XLS or XLSX only.');
    expect(m.text).toContain(address);
    expect(m.text).toContain('Digital Signature Certificate (S/MIME)');
    expect(m.text).toContain('11 Mar 2025');
  });

  it('reminders for payment and for a deficiency', () => {
    const pay = renderPaymentReminder({
      ctx,
      exporterName: 'Raj',
      applicationNumber: 'DRAFTCOOAPPLY00229268AM25',
      amountDue: 100000,
      payBy: new Date('2025-03-10T00:00:00Z'),
      reminderNumber: 2,
    });
    expectWellFormed(pay);
    expect(pay.subject).toBe('Reminder 2: payment pending for application DRAFTCOOAPPLY00229268AM25');
    expect(pay.text).toContain('₹1,00,000.00');
    expect(pay.text).toContain('do not pay again');
    const def = renderDeficiencyReminder({
      ctx,
      exporterName: 'Raj',
      applicationNumber: APP,
      round: 2,
      officerRemarks: 'Attach the invoice.',
      replyAddress: replyAddress('helpdesk@coo.test', token),
      replyToken: token,
      respondBy: new Date('2025-03-11T00:00:00Z'),
      reminderNumber: 1,
    });
    expectWellFormed(def);
    expect(def.subject.startsWith('Reminder: respond to the deficiency')).toBe(true);
    expect(tokenFromSubject(def.subject)).toBe(token);
    expect(def.text).toContain('at most 5 files of at most 5 MB each');
  });

  it('approval attaches the certificate', () => {
    const pdf = Buffer.from('%PDF-1.7 certificate');
    const m = renderApproval({
      ctx,
      exporterName: 'Raj',
      applicationNumber: APP,
      certificateNumber: 'EIC/MUM/2025/000123',
      agreement: 'India Oman CEPA (Agency Issued)',
      office: 'EIC Mumbai',
      issuedAt: new Date('2025-03-05T06:00:00Z'),
      verifyUrl: 'https://coo.example.test/verify?no=EIC/2025/031/0000123A&t=tok',
      certificatePdf: pdf,
      certificateUrl: 'https://coo.example.test/v1/certificates/EIC%2FMUM%2F2025%2F000123/pdf',
      attested: [],
    });
    expectWellFormed(m);
    expect(m.attachments).toEqual([{ filename: 'Certificate-of-Origin-EIC-MUM-2025-000123.pdf', content: pdf, contentType: 'application/pdf' }]);
    expect(m.html).toContain('href="https://coo.example.test/verify?no=EIC/2025/031/0000123A&amp;t=tok"');
    // no attested documents promised that do not exist, and no dashboard this system does not have
    expect(m.text).toContain('No document was marked for attestation with this application.');
    expect(m.text).not.toContain('Dashboard');
  });

  it('approval lists each attested copy with its download and each declined document with its remark', () => {
    const m = renderApproval({
      ctx,
      exporterName: 'Raj',
      applicationNumber: APP,
      certificateNumber: 'EIC/2026/031/0000001A',
      agreement: 'India Oman CEPA (Agency Issued)',
      office: 'EIC Mumbai',
      issuedAt: new Date('2026-03-05T06:00:00Z'),
      verifyUrl: 'https://coo.example.test/verify?no=EIC/2026/031/0000001A&t=tok',
      certificatePdf: Buffer.from('%PDF-1.7'),
      certificateUrl: 'https://coo.example.test/v1/certificates/EIC%2F2026%2F031%2F0000001A/pdf',
      attested: [
        { fileName: 'commercial-invoice.pdf', url: 'https://coo.example.test/v1/certificates/EIC%2F2026%2F031%2F0000001A/attested-documents/a1.pdf' },
        { fileName: 'packing-list.jpg', declinedRemark: 'Not <legible>: send a clearer scan.' },
      ],
    });
    expectWellFormed(m);
    expect(m.text).toContain('  - commercial-invoice.pdf: attested copy, https://coo.example.test/v1/certificates/EIC%2F2026%2F031%2F0000001A/attested-documents/a1.pdf');
    expect(m.text).toContain('  - packing-list.jpg: not attested. Remark: Not <legible>: send a clearer scan.');
    expect(m.html).toContain('href="https://coo.example.test/v1/certificates/EIC%2F2026%2F031%2F0000001A/attested-documents/a1.pdf"');
    expect(m.html).toContain('Not &lt;legible&gt;');
  });

  it('rejection', () => {
    const m = renderRejection({ ctx, exporterName: 'Raj', applicationNumber: APP, office: 'EIC Mumbai', reason: 'Goods do not meet the rules of origin.' });
    expectWellFormed(m);
    expect(m.subject).toBe(`Application ${APP} rejected`);
    expect(m.text).toContain('  | Goods do not meet the rules of origin.');
  });

  it('ticket acknowledgement with the FAQ fix, and without one', () => {
    const problem = knownProblem('dsc_expired');
    if (!problem) throw new Error('no dsc_expired');
    const m = renderTicketAcknowledgement({
      ctx,
      ticketNumber: 'HD-2025-000123',
      requesterName: 'Raj',
      originalSubject: 'RE: Fwd: Expired Certificate error',
      knownProblem: { title: problem.title, fix: problem.fix },
      references: ['IEC AAACR5055K'],
    });
    expectWellFormed(m);
    expect(m.subject).toBe('Re: Expired Certificate error [Ticket HD-2025-000123]');
    expect(ticketNumberFromSubject(m.subject)).toBe('HD-2025-000123');
    expect(m.text).toContain('registered as ticket HD-2025-000123');
    expect(m.text).toContain('If it has expired, apply for a fresh DSC.');
    expect(m.html).toContain('If it has expired, apply for a fresh DSC.');
    expect(m.text).toContain('IEC AAACR5055K');
    const other = renderTicketAcknowledgement({ ctx, ticketNumber: 'HD-2025-000124', originalSubject: '', knownProblem: null });
    expect(other.subject).toBe('Re: Your message to the CoO helpdesk [Ticket HD-2025-000124]');
    expect(other.text).toContain('Dear Sir/Madam,');
    expect(other.text).toContain('A member of the helpdesk will answer you');
  });

  it('ticket reply keeps the thread subject and escapes the staff text', () => {
    const m = renderTicketReply({
      ctx,
      ticketNumber: 'HD-2025-000123',
      originalSubject: 'Re: Expired Certificate error [Ticket HD-2025-000123]',
      staffName: 'Priya',
      body: 'Please remove the old certificate <b>first</b>.\n\nThen insert the new DSC.',
      resolved: true,
    });
    expectWellFormed(m);
    expect(m.subject).toBe('Re: Expired Certificate error [Ticket HD-2025-000123]');
    expect(m.html).toContain('Please remove the old certificate &lt;b&gt;first&lt;/b&gt;.');
    expect(m.text).toContain('marked ticket HD-2025-000123 as resolved');
  });

  it('one salutation per mail: a staff answer opening with its own greets once, else the frame greets by name or Sir/Madam', () => {
    const salutations = (text: string) => text.match(/^(Dear|Hello|Respected)\b.*$/gim) ?? [];
    const own = renderTicketReply({
      ctx,
      ticketNumber: 'HD-2025-000123',
      requesterName: null,
      originalSubject: 'DSC not accepted',
      staffName: 'Priya',
      body: 'Dear Mr Sharma,\n\nPlease register the new DSC.',
    });
    expect(salutations(own.text)).toEqual(['Dear Mr Sharma,']);
    expect(own.text).not.toContain('Sir/Madam');
    expect(own.html).not.toContain('Sir/Madam');
    expect(own.html.match(/Dear /g)).toHaveLength(1);
    for (const body of ['hello Raj, the DSC is now registered.', '  Respected Sir, the DSC is now registered.']) {
      const m = renderTicketReply({ ctx, ticketNumber: 'HD-2025-000123', requesterName: 'Raj Kumar Sharma', originalSubject: 'DSC', staffName: 'Priya', body });
      expect(salutations(m.text)).toHaveLength(1);
      expect(m.text).not.toContain('Dear Raj Kumar Sharma');
    }
    const plain = renderTicketReply({ ctx, ticketNumber: 'HD-2025-000123', requesterName: 'Raj Kumar Sharma', originalSubject: 'DSC', staffName: 'Priya', body: 'Please register the new DSC.' });
    expect(salutations(plain.text)).toEqual(['Dear Raj Kumar Sharma,']);
    expect(plain.html.match(/Dear /g)).toHaveLength(1);
    const anonymous = renderTicketAcknowledgement({ ctx, ticketNumber: 'HD-2025-000124', requesterName: null, originalSubject: 'help', knownProblem: null });
    expect(salutations(anonymous.text)).toEqual(['Dear Sir/Madam,']);
    // every exporter template greets exactly once
    const approval = renderApproval({
      ctx,
      exporterName: 'Raj Kumar Exports',
      applicationNumber: APP,
      certificateNumber: 'EIC/2025/031/0000001A',
      agreement: 'India Oman CEPA',
      office: 'EIC Mumbai',
      issuedAt: new Date('2025-03-04T04:45:00Z'),
      verifyUrl: 'https://coo.example.test/verify?no=EIC/2025/031/0000001A&t=x',
      certificatePdf: Buffer.from('%PDF-1.7'),
      certificateUrl: 'https://coo.example.test/v1/certificates/EIC%2F2025%2F031%2F0000001A/pdf',
      attested: [],
    });
    expect(salutations(approval.text)).toEqual(['Dear Raj Kumar Exports,']);
  });

  it("officer deadlines lead with the file number and point at the API's real operations", () => {
    const common = {
      ctx,
      recipientName: 'Priya Deshpande',
      step: 'reminder' as const,
      fileNumber: 'EIMUCOAPPLY00000001AM27',
      applicationNumber: 'DRAFTCOOAPPLY00000001AM27',
      exporterName: 'Raj Kumar Exports',
      office: 'EIC Mumbai',
      waitingSince: new Date('2026-12-01T10:00:00Z'),
      waited: '2 d',
      reminderNumber: 1,
    };
    const review = renderOfficerDeadline({ ...common, wait: 'review' });
    expect(review.subject).toBe('Reminder 1: file EIMUCOAPPLY00000001AM27 waits for your decision');
    expect(review.text).toContain('https://coo.example.test/v1/applications/DRAFTCOOAPPLY00000001AM27/decisions/approve');
    const signature = renderOfficerDeadline({ ...common, wait: 'certificate-signature', officerName: 'Priya Deshpande', certificateNumber: 'EIC/2026/031/0000001A' });
    expect(signature.text).toContain('GET https://coo.example.test/v1/applications/DRAFTCOOAPPLY00000001AM27/certificate/signing');
    expect(signature.text).toContain('POST https://coo.example.test/v1/applications/DRAFTCOOAPPLY00000001AM27/certificate/signature');
    for (const m of [review, signature]) {
      expect(m.text).not.toContain('/api/v1');
      expect(m.text).not.toContain('{id}');
    }
  });

  it('ticket closed for want of a reply: the wait in words, the ticket, and what a reply does, in the thread subject', () => {
    const m = renderTicketClosedNoReply({
      ctx,
      ticketNumber: 'HD-2025-000123',
      requesterName: evil,
      originalSubject: 'Re: Expired Certificate error [Ticket HD-2025-000123]',
      waitedMs: 10 * 86_400_000,
    });
    expectWellFormed(m);
    expect(m.subject).toBe('Re: Expired Certificate error [Ticket HD-2025-000123]');
    expect(m.text).toContain('We have not heard back from you in 10 days since our last answer, so ticket HD-2025-000123 is now closed.');
    expect(m.text).toContain('reply to this e-mail');
    expect(m.text).toContain('opens a new ticket that continues HD-2025-000123');
    expect(m.html).toContain('is now closed.');
    expect(m.html).toContain('Raj &lt;script&gt;');
  });

  it('formats a configured wait in the largest whole unit', () => {
    expect(formatWait(10 * 86_400_000)).toBe('10 days');
    expect(formatWait(86_400_000)).toBe('1 day');
    expect(formatWait(36 * 3_600_000)).toBe('36 hours');
    expect(formatWait(90 * 60_000)).toBe('90 minutes');
    expect(formatWait(3_000)).toBe('3 seconds');
    expect(formatWait(1_000)).toBe('1 second');
    expect(formatWait(86_400_000 + 1)).toBe('1 day');
    expect(formatWait(400)).toBe('1 second');
  });

  it('answers about a deficiency reply: problems, signature needed, accepted', () => {
    const base = { ctx, exporterName: 'Raj', applicationNumber: APP, round: 2, deficiencySubject: 'Deficiency raised on application X' };
    const problems = renderReplyProblems({ ...base, problems: ['invoice.exe: type not allowed (only PDF, JPG, XLS, XLSX)'], accepted: ['invoice.pdf'] });
    expectWellFormed(problems);
    expect(problems.subject).toBe('Re: Deficiency raised on application X');
    expect(problems.text).toContain('  - invoice.exe: type not allowed (only PDF, JPG, XLS, XLSX)');
    expect(problems.text).toContain('nothing you sent is lost');
    const sign = renderSignatureNeeded({ ...base, signUrl: 'https://coo.example.test/deficiency/1/sign', signatureProblem: 'The message was changed after it was signed.' });
    expectWellFormed(sign);
    expect(sign.text).toContain('https://coo.example.test/deficiency/1/sign');
    expect(sign.text).toContain('could not be accepted: The message was changed after it was signed.');
    const ok = renderReplyAccepted({ ...base, deficiencySubject: 'Re: Deficiency raised', attachments: ['invoice.pdf'] });
    expect(ok.subject).toBe('Re: Deficiency raised');
  });

  it('a reply quoting our mail is reduced to the new text by stripReply', () => {
    const m = renderDeficiencyRaised({
      ctx,
      exporterName: 'Raj',
      applicationNumber: APP,
      round: 1,
      office: 'EIC Mumbai',
      officerRemarks: 'Attach the invoice.',
      replyAddress: replyAddress('helpdesk@coo.test', token),
      replyToken: token,
    });
    const quoted = m.text.split('\n').map((l) => `> ${l}`).join('\n');
    expect(stripReply(`Invoice attached.\n\nOn Tue, 4 Mar 2025 at 10:00, CoO Trade Connect <helpdesk@coo.test> wrote:\n${quoted}`)).toBe('Invoice attached.');
  });
});

describe('layout helpers', () => {
  it('escapes interpolations in the html tag and formats rupees the Indian way', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<b>'}</p>${html`<i>${'&'}</i>`}`.value).toBe('<p>&lt;b&gt;</p><i>&amp;</i>');
    expect(formatRupees(1234567.5)).toBe('₹12,34,567.50');
  });
});
