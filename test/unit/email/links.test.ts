import { describe, expect, it } from 'vitest';
import { allRoutes } from '../../../api/app.js';
import { buildOpenApi } from '../../../api/openapi.js';
import { KNOWN_PROBLEMS } from '../../../channels/email/faq.js';
import { createReplyToken, replyAddress } from '../../../channels/email/reply-token.js';
import { renderCertificateCancelled } from '../../../channels/email/templates/certificate-cancelled.js';
import * as templates from '../../../channels/email/templates/index.js';
import type { RenderedMail } from '../../../channels/email/templates/index.js';
import { loadConfig } from '../../../lib/config.js';
import { VERIFY_PATH, verificationUrl } from '../../../services/certificate/qr-payload.js';
import { PAYMENT_RETURN_PATH } from '../../../services/payment/payment-return.js';

// Every mail points only at what this system serves: the API's operations (its OpenAPI document), the pages
// beside them (verification, the gateway's return page, the API reference) or the mail itself.
const BASE = 'https://coo.example.test';
const ctx = { platformName: 'CoO Trade Connect', portalUrl: BASE, helpdeskAddress: 'helpdesk@coo.test' };

const config = loadConfig({} as NodeJS.ProcessEnv);
const doc = buildOpenApi(allRoutes({ config } as never), { title: 't', version: '1', serverUrl: BASE }) as { paths: Record<string, Record<string, unknown>> };
const served: { re: RegExp; methods: Set<string>; path: string }[] = [
  ...Object.entries(doc.paths).map(([path, ops]) => ({ path, methods: new Set(Object.keys(ops)), re: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) })),
  ...[VERIFY_PATH, PAYMENT_RETURN_PATH, '/docs'].map((path) => ({ path, methods: new Set(['get']), re: new RegExp(`^${path}$`) })),
];
/** The operation serving this path (placeholders such as <file-number> stand for one segment), or undefined. */
const serving = (path: string) => served.find((s) => s.re.test(path));

const URL_RE = /https?:\/\/(?:[^\s"'<>),]|<[\w-]+>)+/g;
const pathOf = (url: string) => url.slice(BASE.length).split(/[?#]/)[0]!.replace(/[.:;]+$/, '');
/** legacy portal screens and menus that do not exist here */
const NO_SUCH_PLACE =
  /dashboard|Submitted Applications|Respond Deficiency|View Approved Letter|Pending Payment Applications|Make Payment|Discrepancy Duplicate Certificate|Submitted Duplicate Certificates|Apply for Duplicate|Sign & Submit|on the portal and/i;

function problemsOf(name: string, m: RenderedMail): string[] {
  const out: string[] = [];
  for (const [part, body] of [['subject', m.subject], ['text', m.text], ['html', m.html]] as const) {
    const hit = NO_SUCH_PLACE.exec(body);
    if (hit) out.push(`${name} ${part}: "${hit[0]}" names a place that does not exist here`);
  }
  for (const url of m.text.match(URL_RE) ?? []) {
    if (!url.startsWith(BASE)) continue;
    if (!serving(pathOf(url))) out.push(`${name}: ${url} is not served by the API (no such path in the OpenAPI document)`);
  }
  for (const [, href = ''] of m.html.matchAll(/href="([^"]+)"/g)) {
    if (href.startsWith('mailto:') || !href.startsWith(BASE)) continue;
    const s = serving(pathOf(href));
    if (!s?.methods.has('get')) out.push(`${name}: the link ${href} does not open anything (${s ? `only ${[...s.methods].join('/')}` : 'no such path'})`);
  }
  return out;
}

const FILE = 'EIMUCOAPPLY00000019AM26';
const token = createReplyToken({ applicationNumber: 'DRAFTCOOAPPLY00000019AM26', round: 1 }, 'reply-secret-for-tests-0123456789');
const request = { kind: 'in-lieu' as const, originalCertificateNumber: 'EIC/2026/031/0000001A' };
const at = new Date('2026-03-04T04:45:00Z');
const deficiency = { ctx, exporterName: 'Raj', applicationNumber: FILE, round: 1, officerRemarks: 'Attach the invoice.', replyAddress: replyAddress('helpdesk@coo.test', token), replyToken: token, respondBy: at };
const outcome = { ctx, exporterName: 'Raj', applicationNumber: FILE, round: 1, deficiencySubject: 'Deficiency raised' };

/** Every template, with each variant that words its places differently (applications and requests). */
const renders: Record<string, () => RenderedMail[]> = {
  renderSubmissionReceived: () =>
    [undefined, request].map((r) =>
      templates.renderSubmissionReceived({ ctx, exporterName: 'Raj', applicationNumber: FILE, agreement: 'CEPA', agency: 'EIC', office: 'EIC Mumbai', invoiceNumber: 'INV/1', submittedAt: at, amountPaid: 590, request: r }),
    ),
  renderDeficiencyRaised: () => [undefined, request].map((r) => templates.renderDeficiencyRaised({ ...deficiency, office: 'EIC Mumbai', request: r })),
  renderDeficiencyReminder: () => [undefined, request].map((r) => templates.renderDeficiencyReminder({ ...deficiency, reminderNumber: 1, request: r })),
  renderPaymentReminder: () => [templates.renderPaymentReminder({ ctx, exporterName: 'Raj', applicationNumber: 'DRAFTCOOAPPLY00000019AM26', amountDue: 590, payBy: at, reminderNumber: 1 })],
  renderApproval: () => [
    templates.renderApproval({
      ctx,
      exporterName: 'Raj',
      applicationNumber: FILE,
      certificateNumber: 'EIC/2026/031/0000001A',
      agreement: 'CEPA',
      office: 'EIC Mumbai',
      issuedAt: at,
      verifyUrl: verificationUrl(BASE, 'EIC/2026/031/0000001A', 'tok'),
      certificatePdf: Buffer.from('%PDF-1.7'),
      // as services/notification/notify-application.ts builds them
      certificateUrl: `${BASE}/v1/certificates/${encodeURIComponent('EIC/2026/031/0000001A')}/pdf`,
      attested: [
        { fileName: 'invoice.pdf', url: `${BASE}/v1/certificates/${encodeURIComponent('EIC/2026/031/0000001A')}/attested-documents/d1.pdf` },
        { fileName: 'packing-list.pdf', declinedRemark: 'Not signed.' },
      ],
    }),
  ],
  renderRejection: () => [undefined, request].map((r) => templates.renderRejection({ ctx, exporterName: 'Raj', applicationNumber: FILE, office: 'EIC Mumbai', reason: 'No.', request: r })),
  renderTicketAcknowledgement: () => [
    templates.renderTicketAcknowledgement({ ctx, ticketNumber: 'HD-2026-000001', originalSubject: 'Help', knownProblem: null }),
    // every known problem's fix, as the acknowledgement quotes it
    ...KNOWN_PROBLEMS.map((p) => templates.renderTicketAcknowledgement({ ctx, ticketNumber: 'HD-2026-000001', originalSubject: p.title, knownProblem: { title: p.title, fix: p.fix } })),
  ],
  renderTicketReply: () => [templates.renderTicketReply({ ctx, ticketNumber: 'HD-2026-000001', originalSubject: 'Help', staffName: 'Priya', body: 'Done.' })],
  renderTicketClosedNoReply: () => [templates.renderTicketClosedNoReply({ ctx, ticketNumber: 'HD-2026-000001', originalSubject: 'Help', waitedMs: 86_400_000 })],
  renderReplyProblems: () => [templates.renderReplyProblems({ ...outcome, problems: ['x.exe is not allowed'], accepted: [] })],
  // the sign address as services/mail/deficiency-reply.ts builds it
  renderSignatureNeeded: () => [templates.renderSignatureNeeded({ ...outcome, signUrl: `${BASE}/v1/applications/DRAFTCOOAPPLY00000019AM26/signature` })],
  renderReplyAccepted: () => [templates.renderReplyAccepted({ ...outcome, attachments: ['invoice.pdf'] })],
  renderOfficerDeadline: () =>
    (['review', 'certificate-signature'] as const).map((wait) =>
      templates.renderOfficerDeadline({ ctx, recipientName: 'Priya', step: 'reminder', wait, fileNumber: FILE, applicationNumber: 'DRAFTCOOAPPLY00000019AM26', exporterName: 'Raj', office: 'EIC Mumbai', waitingSince: at, waited: '2 d', reminderNumber: 1 }),
    ),
  renderCertificateCancelled: () => [
    renderCertificateCancelled({ ctx, exporterName: 'Raj', certificateNumber: 'EIC/2026/031/0000001A', fileNumber: FILE, office: 'EIC Mumbai', cancelledAt: at, reason: 'Wrong.', verifyUrl: verificationUrl(BASE, 'EIC/2026/031/0000001A', 'tok') }),
  ],
};

describe('mail links point at what this system serves', () => {
  it('covers every template', () => {
    const exported = Object.keys(templates).filter((k) => k.startsWith('render'));
    expect(Object.keys(renders).sort()).toEqual([...exported, 'renderCertificateCancelled'].sort());
  });

  it('no mail names a dashboard or portal screen, and every address in it is served', () => {
    const problems = Object.entries(renders).flatMap(([name, render]) => render().flatMap((m) => problemsOf(name, m)));
    expect(problems).toEqual([]);
  });

  it('mails give the real addresses: status, payment, answer, signature, download, reference', () => {
    const [submitted] = renders.renderSubmissionReceived!();
    expect(submitted!.text).toContain(`GET ${BASE}/v1/applications/${FILE}/workflow`);
    expect(renders.renderPaymentReminder!()[0]!.text).toContain(`POST ${BASE}/v1/applications/DRAFTCOOAPPLY00000019AM26/payment`);
    expect(renders.renderDeficiencyRaised!()[0]!.text).toContain(`POST ${BASE}/v1/applications/${FILE}/deficiency-response`);
    expect(renders.renderApproval!()[0]!.text).toContain(`${BASE}/v1/certificates/EIC%2F2026%2F031%2F0000001A/pdf`);
    expect(renders.renderApproval!()[0]!.html).toContain(`href="${BASE}/verify?no=EIC/2026/031/0000001A&amp;t=tok"`);
    const status = KNOWN_PROBLEMS.find((p) => p.category === 'application_status')!;
    const ack = templates.renderTicketAcknowledgement({ ctx, ticketNumber: 'HD-2026-000001', originalSubject: 'Status', knownProblem: { title: status.title, fix: status.fix } });
    expect(ack.text).toContain(`GET ${BASE}/v1/applications?view=submitted`);
    expect(ack.text).toContain(`\n${BASE}/docs\n`);
  });

  it('the check itself finds a dead link and a dashboard', () => {
    const bad = { subject: 's', text: `Open My Dashboard or ${BASE}/verify/EIC-1?t=x`, html: `<!doctype html><a href="${BASE}/v1/applications/X/signature">sign</a>` };
    expect(problemsOf('bad', bad)).toHaveLength(3);
  });
});
