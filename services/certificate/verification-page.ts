import type { JSONWebKeySet } from 'jose';
import { resolveAgreementForm } from '../../domain/certificate/agreement-forms.js';
import { formatCertificateDate, formatMoney, formatQuantity } from '../../domain/certificate/format.js';
import { summarizeCertificate } from '../../domain/certificate/summarize-certificate.js';
import { describeLiveStatus, liveDate, type LiveStatus } from '../../domain/certificate/live-status.js';
import { LEGACY_PLATFORM } from '../../domain/certificate/life.js';
import type { CertificateDocument, CertificateHistoryEvent, CertificateParty, CertificateRecord } from '../../domain/certificate/types.js';

/**
 * Server-side HTML for the public verification module (seed 002 §6): the lookup form (number +
 * captcha), the result with the certificate's details and live record, "not found", a refused captcha,
 * "too many requests". Pure functions returning complete documents: inline CSS, no external assets, no
 * cookies. The caller (an Express route) decides which page to send and with which HTTP status.
 */

export interface VerificationPageContext {
  /** path the lookup form posts to and the QR links open, default "/verify" */
  verifyPath?: string;
  /** e.g. "Directorate General of Foreign Trade · Government of India" */
  authority?: string;
  /** this system's helpdesk address (HELPDESK_ADDRESS); without it the footer names no address */
  helpdeskEmail?: string;
  /** where the QR payload keys are published, shown on the result page */
  keysUrl?: string;
  /** CSP nonce for the inline <style> and <script>, when the server sends a nonce-based policy */
  nonce?: string;
}

export interface CaptchaView {
  svg: string;
  token: string;
}

export type LookupError = 'wrong_captcha' | 'expired_captcha' | 'invalid_number' | 'missing_fields';

const ERROR_TEXT: Record<LookupError, string> = {
  wrong_captcha: 'The security code was not typed correctly. Please type the characters in the new image.',
  expired_captcha: 'The security code has expired. Please type the characters in the new image.',
  invalid_number: 'Certificate numbers contain only letters, digits, "/" and "-". Please check the number.',
  missing_fields: 'Please enter the certificate number and the security code.',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
const h = escapeHtml;

const CSS = `
:root{--ink:#14213d;--muted:#4a5568;--line:#d5dbe6;--tint:#f3f6fb;--brand:#0b3b74;--ok:#136c3a;--ok-bg:#e6f4ea;--warn:#7a4b00;--warn-bg:#fff4dc;--bad:#9b1c1c;--bad-bg:#fde8e8;--focus:#ffbf47}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 "Noto Sans","Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
a{color:var(--brand)}
a:focus,button:focus,input:focus{outline:3px solid var(--focus);outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px 10px;z-index:2}
header.top{background:var(--brand);color:#fff;border-bottom:4px solid #f29c1f}
header.top .wrap{display:flex;gap:14px;align-items:center;padding:14px 20px}
.seal{flex:none;width:44px;height:44px;border-radius:50%;border:2px solid #fff;display:grid;place-items:center;font-weight:700;font-size:13px;letter-spacing:.5px}
header.top .t1{font-size:20px;font-weight:700;margin:0}
header.top .t2{font-size:13px;opacity:.9;margin:0}
.wrap{max-width:980px;margin:0 auto;padding:0 20px}
main{padding:24px 0 40px}
h1{font-size:26px;margin:0 0 6px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
p.lead{color:var(--muted);margin:0 0 20px}
form.lookup{background:var(--tint);border:1px solid var(--line);border-radius:6px;padding:20px;max-width:560px}
.field{margin-bottom:16px}
label{display:block;font-weight:600;margin-bottom:4px}
.hint{display:block;color:var(--muted);font-size:14px;margin-bottom:6px}
input[type=text]{width:100%;font:inherit;padding:8px 10px;border:2px solid #5b6b82;border-radius:4px;background:#fff}
input[aria-invalid=true]{border-color:var(--bad)}
.captcha{display:flex;gap:12px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.captcha svg{border:1px solid var(--line);border-radius:4px;max-width:100%;height:auto}
button{font:inherit;font-weight:600;background:var(--brand);color:#fff;border:0;border-radius:4px;padding:10px 18px;cursor:pointer}
.alert{border-left:6px solid var(--bad);background:var(--bad-bg);padding:12px 14px;margin:0 0 18px;border-radius:4px;max-width:560px}
.status{border-radius:6px;padding:16px 18px;margin:8px 0 6px;border:1px solid}
.status-title{display:block;font-size:20px}
.status.issued{background:var(--ok-bg);border-color:#9fd3b0;color:var(--ok)}
.status.superseded{background:var(--warn-bg);border-color:#f1c676;color:var(--warn)}
.status.cancelled{background:var(--bad-bg);border-color:#f3a9a9;color:var(--bad)}
.status p{margin:4px 0 0;color:var(--ink)}
dl.grid{display:grid;grid-template-columns:minmax(160px,240px) 1fr;gap:6px 16px;margin:0}
dl.grid dt{color:var(--muted);font-weight:600}
dl.grid dd{margin:0;white-space:pre-line;overflow-wrap:anywhere}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:0 28px}
.cols dl.grid{grid-template-columns:minmax(90px,130px) 1fr}
td.nowrap{white-space:nowrap}
.scroll{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:14px}
caption{text-align:left;color:var(--muted);padding-bottom:6px}
th,td{border:1px solid var(--line);padding:6px 8px;vertical-align:top;text-align:left}
thead th{background:var(--tint)}
td.num{text-align:right;white-space:nowrap}
tfoot td{font-weight:600;background:var(--tint)}
ol.history{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
ol.history li{position:relative;padding:0 0 14px 18px}
ol.history li::before{content:"";position:absolute;left:-8px;top:6px;width:13px;height:13px;border-radius:50%;background:#fff;border:3px solid var(--brand)}
ol.history time{display:block;color:var(--muted);font-size:14px}
.mono{font-family:ui-monospace,"Noto Sans Mono",Menlo,Consolas,monospace;font-size:14px;overflow-wrap:anywhere}
.seal-check{margin-top:10px;font-size:15px}
.seal-check[hidden]{display:none}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:14px;padding:16px 0 30px}
@media (max-width:700px){dl.grid,.cols{grid-template-columns:1fr}table{font-size:13px}}
@media print{header.top{background:#fff;color:#000;border-bottom:2px solid #000}.seal{border-color:#000}form,.skip,footer a{display:none}}
`;

function layout(ctx: VerificationPageContext, title: string, body: string, script = ''): string {
  const nonce = ctx.nonce ? ` nonce="${h(ctx.nonce)}"` : '';
  const authority = ctx.authority ?? 'Directorate General of Foreign Trade · Government of India';
  const helpdesk = ctx.helpdeskEmail;
  const contact = helpdesk ? `write to <a href="mailto:${h(helpdesk)}">${h(helpdesk)}</a>` : 'write to the helpdesk of the issuing platform';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${h(title)} · Certificate of Origin verification</title>
<style${nonce}>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap"><div class="seal" aria-hidden="true">CoO</div><div><p class="t1">Certificate of Origin verification</p><p class="t2">${h(authority)}</p></div></div></header>
<main id="main" class="wrap">
${body}
</main>
<footer class="wrap">Problems with a certificate or with this page: ${contact}. This page shows the live record held by the issuing platform.</footer>
${script ? `<script${nonce}>${script}</script>` : ''}
</body>
</html>`;
}

function verifyPath(ctx: VerificationPageContext): string {
  return ctx.verifyPath ?? '/verify';
}

// ---- lookup form ----

export function renderLookupPage(ctx: VerificationPageContext, opts: { captcha: CaptchaView; number?: string; error?: LookupError }): string {
  const err = opts.error ? ERROR_TEXT[opts.error] : undefined;
  const numberInvalid = opts.error === 'invalid_number' || (opts.error === 'missing_fields' && !opts.number);
  const captchaInvalid = opts.error === 'wrong_captcha' || opts.error === 'expired_captcha' || opts.error === 'missing_fields';
  const body = `
<h1>Verify a certificate</h1>
<p class="lead">Enter the number printed on the certificate of origin and the security code. All details of the certificate and its live record are shown. No login is needed.</p>
${err ? `<div class="alert" role="alert" id="form-error"><strong>There is a problem.</strong> ${h(err)}</div>` : ''}
<form class="lookup" method="post" action="${h(verifyPath(ctx))}" novalidate>
  <div class="field">
    <label for="no">Certificate number</label>
    <span class="hint" id="no-hint">For example EIC/2026/031/0000142A</span>
    <input type="text" id="no" name="no" value="${h(opts.number ?? '')}" required autocomplete="off" spellcheck="false" autocapitalize="characters" maxlength="64" aria-describedby="no-hint${err && numberInvalid ? ' form-error' : ''}"${numberInvalid ? ' aria-invalid="true"' : ''}>
  </div>
  <div class="field">
    <label for="captcha">Security code</label>
    <span class="hint" id="captcha-hint">Type the characters shown in the image. Letters are not case-sensitive.</span>
    <div class="captcha">${opts.captcha.svg}<a href="${h(verifyPath(ctx))}${opts.number ? `?no=${encodeURIComponent(opts.number)}` : ''}">Show a different code</a></div>
    <input type="text" id="captcha" name="captcha" required autocomplete="off" spellcheck="false" autocapitalize="characters" inputmode="text" maxlength="12" aria-describedby="captcha-hint${err && captchaInvalid ? ' form-error' : ''}"${captchaInvalid ? ' aria-invalid="true"' : ''}>
    <input type="hidden" name="captchaToken" value="${h(opts.captcha.token)}">
  </div>
  <button type="submit">Verify certificate</button>
</form>`;
  return layout(ctx, err ? 'Error: verify a certificate' : 'Verify a certificate', body);
}

/** The form again, with the wrong-captcha message (send with HTTP 400 or 422). */
export function renderWrongCaptchaPage(ctx: VerificationPageContext, opts: { captcha: CaptchaView; number?: string; expired?: boolean }): string {
  return renderLookupPage(ctx, { ...opts, error: opts.expired ? 'expired_captcha' : 'wrong_captcha' });
}

/** "Not found" and nothing more: no hint whether a similar number exists (send with HTTP 404). */
export function renderNotFoundPage(ctx: VerificationPageContext): string {
  const body = `
<h1>Certificate not found</h1>
<p role="status">No certificate with this number was found.</p>
<p><a href="${h(verifyPath(ctx))}">Verify another certificate</a></p>`;
  return layout(ctx, 'Certificate not found', body);
}

/** Too many lookups from one client (send with HTTP 429 and Retry-After). */
export function renderRateLimitedPage(ctx: VerificationPageContext, opts: { retryAfterSeconds: number }): string {
  const minutes = Math.max(1, Math.ceil(opts.retryAfterSeconds / 60));
  const body = `
<h1>Too many requests</h1>
<p role="status">Too many verifications were requested from your network. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.</p>`;
  return layout(ctx, 'Too many requests', body);
}

// ---- result ----

/** The live status: in force or not, what replaced it or why it was cancelled, what it replaces, its duplicates (each linked). */
function statusBanner(record: CertificateRecord, live: LiveStatus): string {
  const cls = record.source === 'legacy' && record.status === 'issued' ? 'superseded' : record.status;
  const lines = live.lines
    .map((l) => {
      const text = h(l.text);
      if (!l.related?.verificationUrl) return `<p>${text}</p>`;
      const n = h(l.related.certificateNumber);
      // the number in the sentence becomes the link to that certificate's own verification
      const linked = text.replace(n, `<a class="mono" href="${h(l.related.verificationUrl)}">${n}</a>`);
      return `<p>${linked}</p>`;
    })
    .join('');
  return `<div class="status ${h(cls)}" role="status"><strong class="status-title">${h(live.title)}</strong>${lines}</div>`;
}

function party(p: CertificateParty): string {
  return `${h(p.name)}\n${h(p.address)}\n${h(p.country.toUpperCase())}`;
}

function rows(pairs: [string, string | undefined][]): string {
  return pairs
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<dt>${h(k)}</dt><dd>${v}</dd>`)
    .join('');
}

function historyList(events: CertificateHistoryEvent[]): string {
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
  if (sorted.length === 0) return '<p>No events recorded.</p>';
  return `<ol class="history">${sorted
    .map((e) => {
      const when = new Date(e.at);
      const label = Number.isNaN(when.getTime()) ? e.at : `${formatCertificateDate(e.at.slice(0, 10))}, ${e.at.slice(11, 16)} UTC`;
      return `<li><time datetime="${h(e.at)}">${h(label)}</time>${h(e.description)}${e.actor ? ` <span class="hint">(${h(e.actor)})</span>` : ''}</li>`;
    })
    .join('')}</ol>`;
}

/**
 * Checks the QR code's signed summary in the browser (it arrives in the URL fragment, which servers never
 * see) against the keys embedded in the page, and says whether it matches this record.
 */
function sealCheckScript(jwks: JSONWebKeySet, expected: { no: string; tv: string; cur: string; hs: string[]; live: string | null }): string {
  const data = JSON.stringify({ jwks, expected }).replace(/</g, '\\u003c');
  return `(function(){var d=${data};var out=document.getElementById('seal-check');var j=location.hash.slice(1);
if(!out||!/^[\\w-]+\\.[\\w-]+\\.[\\w-]+$/.test(j)||!window.crypto||!crypto.subtle)return;
function b(s){s=s.replace(/-/g,'+').replace(/_/g,'/');while(s.length%4)s+='=';var r=atob(s),a=new Uint8Array(r.length);for(var i=0;i<r.length;i++)a[i]=r.charCodeAt(i);return a}
function say(ok,t){out.hidden=false;out.textContent=t;out.className='seal-check status '+(ok?'issued':'cancelled')}
try{var p=j.split('.'),hd=JSON.parse(new TextDecoder().decode(b(p[0]))),k=null;
for(var i=0;i<d.jwks.keys.length;i++)if(d.jwks.keys[i].kid===hd.kid)k=d.jwks.keys[i];
if(!k||hd.alg!=='ES256'){say(false,'The signed summary in the QR code uses an unknown key: treat the paper as suspect.');return}
crypto.subtle.importKey('jwk',{kty:k.kty,crv:k.crv,x:k.x,y:k.y},{name:'ECDSA',namedCurve:'P-256'},false,['verify']).then(function(key){
return crypto.subtle.verify({name:'ECDSA',hash:'SHA-256'},key,b(p[2]),new TextEncoder().encode(p[0]+'.'+p[1]))}).then(function(v){
if(!v){say(false,'The signed summary in the QR code is NOT authentic: treat the paper as suspect.');return}
var c=JSON.parse(new TextDecoder().decode(b(p[1]))),e=d.expected;
var same=c.no===e.no&&c.tv===e.tv&&c.cur===e.cur&&JSON.stringify(c.hs)===JSON.stringify(e.hs.slice(0,c.hs.length));
if(same&&e.live){say(false,'The signed summary in the QR code is authentic and matches this record, but the certificate is '+e.live+': the live status above is what counts.');return}
say(same,same?'The signed summary in the QR code is authentic and matches this record.':'The signed summary in the QR code is authentic but does NOT match this record: compare the paper carefully.')
}).catch(function(){say(false,'The signed summary in the QR code could not be checked.')})}catch(x){say(false,'The signed summary in the QR code could not be read.')}})();`;
}

export interface ResultPageOptions {
  record: CertificateRecord;
  /** when the record was read, shown to the reader */
  checkedAt?: Date;
  /** the published QR keys: enables the in-page check of the QR's signed summary */
  jwks?: JSONWebKeySet;
}

export function renderCertificatePage(ctx: VerificationPageContext, opts: ResultPageOptions): string {
  const { record } = opts;
  const live = describeLiveStatus(record);
  const checkedAt = (opts.checkedAt ?? new Date()).toISOString();
  const doc = record.document;
  if (!doc) return renderLegacyPage(ctx, record, live, checkedAt);
  const form = resolveAgreementForm(doc.agreement);
  const summary = summarizeCertificate(doc);
  const cur = doc.invoice.currency;

  const goodsRows = doc.goods
    .map(
      (g) => `<tr><td class="num">${g.itemNumber}</td><td>${h(g.marksAndNumbers)}</td><td>${h(`${g.packages.count} ${g.packages.kind}`)}</td><td>${h(g.description)}</td><td class="mono nowrap">${h(g.hsCode)}</td><td>${h(g.preferenceCriterion)}</td><td class="num">${h(`${formatQuantity(g.grossQuantity.value)} ${g.grossQuantity.unit}`)}</td><td>${h(g.invoiceNumber)}<br>${h(formatCertificateDate(g.invoiceDate))}</td><td class="num">${h(formatMoney(g.value, cur))}</td></tr>`,
    )
    .join('');

  const body = `
<h1>Certificate <span class="mono">${h(doc.certificateNumber)}</span></h1>
<p class="lead">${h(doc.agreement.title)} · ${h(form.title.join(' — '))}${form.formName ? ` (${h(form.formName)})` : ''}</p>
${statusBanner(record, live)}
<p id="seal-check" class="seal-check" hidden aria-live="polite"></p>
${live.qrNotice ? `<p class="hint" id="qr-notice">${h(live.qrNotice)}</p>` : ''}
<p class="hint">Record read at <time datetime="${h(checkedAt)}">${h(checkedAt.replace('T', ' ').slice(0, 16))} UTC</time>.</p>

<h2>Certificate</h2>
<dl class="grid">${rows([
    ['Certificate number', `<span class="mono">${h(doc.certificateNumber)}</span>`],
    ['Date of issue', h(formatCertificateDate(doc.issueDate))],
    ['Trade agreement', h(doc.agreement.title)],
    ['Issuing agency', h(doc.certification.agencyName)],
    ['Issuing office', h(doc.certification.officeName)],
    ['Issuing officer', h(doc.certification.officerName + (doc.certification.officerDesignation ? `, ${doc.certification.officerDesignation}` : ''))],
    ['Place of certification', h(`${doc.certification.place}, ${formatCertificateDate(doc.certification.date)}`)],
    ['Kind', record.kind === 'duplicate' ? 'Duplicate' : record.kind === 'in-lieu' ? 'Issued in lieu' : undefined],
    ['Replaces certificate', replacesCell(record, doc)],
    ['Requested', doc.requestTiming === 'after_shipment' ? 'After shipment' : doc.requestTiming === 'before_shipment' ? 'Before shipment' : undefined],
    ['Issued retrospectively', doc.issuedRetrospectively ? h(`Yes — marked “${doc.issuedRetrospectively.mark}” ${doc.issuedRetrospectively.printedIn === 'box' ? 'in its box on the form' : 'in the remarks'}`) : undefined],
    ['Third-country invoicing', doc.thirdCountryInvoicing ? h(`Yes — ${doc.thirdCountryOperator ?? ''}`) : 'No'],
    ['Remarks', doc.remarks ? h(doc.remarks) : undefined],
  ])}</dl>

<div class="cols">
<section aria-labelledby="exp-h"><h2 id="exp-h">Exporter</h2><dl class="grid">${rows([
    ['Name and address', `${h(doc.exporter.name)}\n${h(doc.exporter.address)}\nINDIA`],
    ['IEC', `<span class="mono">${h(doc.exporter.iec)}</span>`],
    ['Producer', doc.producer ? h(`${doc.producer.name}, ${doc.producer.address}`) : undefined],
  ])}</dl></section>
<section aria-labelledby="imp-h"><h2 id="imp-h">Importer${doc.consignee ? ' and consignee' : ''}</h2><dl class="grid">${rows([
    ['Importer', party(doc.importer)],
    ['Consignee', doc.consignee ? party(doc.consignee) : undefined],
  ])}</dl></section>
</div>

<h2>Transport and route</h2>
<dl class="grid">${rows([
    ['Departure date', h(formatCertificateDate(doc.transport.departureDate))],
    ['Mode of transport', h(doc.transport.mode)],
    ['Vessel / flight / vehicle', doc.transport.vesselOrFlight ? h(doc.transport.vesselOrFlight) : undefined],
    ['Port of loading', h(doc.transport.portOfLoading)],
    ['Port of discharge', h(doc.transport.portOfDischarge)],
    ['Route', h(doc.transport.route)],
  ])}</dl>

<h2>Goods</h2>
<div class="scroll">
<table>
<caption>${summary.itemCount} item${summary.itemCount === 1 ? '' : 's'}, ${summary.totalPackages} packages</caption>
<thead><tr><th scope="col">Item</th><th scope="col">Marks and numbers</th><th scope="col">Packages</th><th scope="col">Description</th><th scope="col">HS code</th><th scope="col">Origin criterion</th><th scope="col">Quantity</th><th scope="col">Invoice</th><th scope="col">Value</th></tr></thead>
<tbody>${goodsRows}</tbody>
<tfoot><tr><td colspan="8">Total</td><td class="num">${h(formatMoney(summary.totalValue, cur))}</td></tr></tfoot>
</table>
</div>

<h2>Invoice</h2>
<dl class="grid">${rows([
    ['Invoice number and date', h(`${doc.invoice.number}, ${formatCertificateDate(doc.invoice.date)}`)],
    ['Invoice value', h(formatMoney(doc.invoice.value, cur))],
  ])}</dl>

<h2>Declaration by the exporter</h2>
<p>${h(form.declarationText(doc))}</p>
<dl class="grid">${rows([
    ['Place and date', h(`${doc.declaration.place}, ${formatCertificateDate(doc.declaration.date)}`)],
    ['Name and designation', h(`${doc.declaration.name}, ${doc.declaration.designation}`)],
    ['Country of origin', h(doc.declaration.countryOfOrigin)],
    ['Importing country', h(doc.declaration.importingCountry.toUpperCase())],
  ])}</dl>

<h2>Digital signature</h2>
<dl class="grid">${rows([
    ['Signed by', record.signedBy ? h(`${record.signedBy.commonName}${record.signedBy.organization ? `, ${record.signedBy.organization}` : ''}`) : undefined],
    ['Certificate serial number', record.signedBy ? `<span class="mono">${h(record.signedBy.serialNumber)}</span>` : undefined],
    ['Signed at', h(`${record.issuedAt.replace('T', ' ').slice(0, 16)} UTC`)],
    ['SHA-256 of the issued PDF', record.pdfSha256 ? `<span class="mono">${h(record.pdfSha256)}</span>` : undefined],
    ['Keys for the QR code’s signed summary', ctx.keysUrl ? `<a href="${h(ctx.keysUrl)}">${h(ctx.keysUrl)}</a>` : undefined],
  ])}</dl>

<h2>Live record</h2>
${historyList(record.history)}
<p><a href="${h(verifyPath(ctx))}">Verify another certificate</a></p>`;

  const script = opts.jwks
    ? sealCheckScript(opts.jwks, { no: doc.certificateNumber, tv: summary.totalValue.toFixed(2), cur: summary.currency, hs: summary.hsCodes, live: live.valid ? null : record.status })
    : '';
  return layout(ctx, `Certificate ${doc.certificateNumber}`, body, script);
}

function replacesCell(record: CertificateRecord, doc: CertificateDocument): string | undefined {
  const number = record.replaces?.certificateNumber ?? doc.replacesCertificateNumber;
  if (!number) return undefined;
  const url = record.replaces?.verificationUrl;
  const dated = record.replaces ? `, dated ${h(liveDate(record.replaces.issueDate))}` : '';
  return `${url ? `<a class="mono" href="${h(url)}">${h(number)}</a>` : `<span class="mono">${h(number)}</span>`}${dated}`;
}

/** A record imported from the legacy platform: what its export said, and where its verification continues. */
function renderLegacyPage(ctx: VerificationPageContext, record: CertificateRecord, live: LiveStatus, checkedAt: string): string {
  const l = record.legacy;
  const body = `
<h1>Certificate <span class="mono">${h(record.certificateNumber)}</span></h1>
<p class="lead">Issued on the legacy platform · ${h(LEGACY_PLATFORM)}</p>
${statusBanner(record, live)}
<p class="hint">Record read at <time datetime="${h(checkedAt)}">${h(checkedAt.replace('T', ' ').slice(0, 16))} UTC</time>.</p>

<h2>Certificate (as the legacy platform's records give it)</h2>
<dl class="grid">${rows([
    ['Certificate number', `<span class="mono">${h(record.certificateNumber)}</span>`],
    ['Date of issue', l ? h(formatCertificateDate(l.issueDate)) : undefined],
    ['Trade agreement', l ? h(l.agreement.title ?? l.agreement.code) : undefined],
    ['Issuing agency', l ? h(l.agency.name ?? l.agency.code) : undefined],
    ['Issuing office', l ? h(l.office.name ?? l.office.code) : undefined],
    ['Exporter', l?.exporterName ? h(l.exporterName) : undefined],
    ['IEC', l ? `<span class="mono">${h(l.iec)}</span>` : undefined],
    ['Importer', l ? h(`${l.importer.name}\n${l.importer.country}`) : undefined],
    ['Goods', l ? h(l.goodsSummary) : undefined],
  ])}</dl>
<p>Only this summary was imported from the legacy platform: the certificate itself, its goods items and its signature are held there.</p>

<h2>Live record</h2>
${historyList(record.history)}
<p><a href="${h(verifyPath(ctx))}">Verify another certificate</a></p>`;
  return layout(ctx, `Certificate ${record.certificateNumber}`, body);
}

/** The same information for the JSON API. */
export function publicCertificateView(record: CertificateRecord, checkedAt: Date = new Date()) {
  const doc = record.document;
  const summary = doc ? summarizeCertificate(doc) : undefined;
  const live = describeLiveStatus(record);
  return {
    certificateNumber: record.certificateNumber,
    status: record.status,
    kind: record.kind ?? 'original',
    source: record.source ?? 'platform',
    valid: live.valid,
    statusText: live.title,
    statusDetails: live.lines.map((l) => l.text),
    issuedAt: record.issuedAt,
    ...(record.supersededBy ? { supersededBy: record.supersededBy } : {}),
    ...(record.superseded ? { superseded: record.superseded } : {}),
    ...(record.cancellation ? { cancellation: record.cancellation } : {}),
    ...(record.replaces ? { replaces: record.replaces } : {}),
    ...(record.duplicates ? { duplicates: record.duplicates } : {}),
    ...(live.qrNotice ? { qrNotice: live.qrNotice } : {}),
    checkedAt: checkedAt.toISOString(),
    ...(doc ? { certificate: doc } : {}),
    ...(record.legacy ? { legacy: record.legacy } : {}),
    ...(summary ? { totals: { items: summary.itemCount, packages: summary.totalPackages, value: summary.totalValue, currency: summary.currency, hsCodes: summary.hsCodes } } : {}),
    signature: { ...(record.signedBy ? { signedBy: record.signedBy } : {}), ...(record.pdfSha256 ? { pdfSha256: record.pdfSha256 } : {}) },
    history: [...record.history].sort((a, b) => a.at.localeCompare(b.at)),
  };
}
