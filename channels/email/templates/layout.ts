/**
 * Shared pieces of the outgoing mail templates: HTML escaping, the common frame (text and HTML),
 * and Indian date and money formats. Every template returns both a text and an HTML body.
 */

export interface MailContext {
  /** e.g. "CoO Trade Connect" */
  platformName: string;
  /** base URL of the exporter portal, e.g. "https://coo.example.gov.in" */
  portalUrl: string;
  /** the helpdesk address shown for questions, e.g. "helpdesk@coo.test" */
  helpdeskAddress: string;
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that must not be escaped again (built by the `html` tag or by these helpers). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type HtmlValue = SafeHtml | string | number | null | undefined | readonly HtmlValue[];

function htmlValue(v: HtmlValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map((x: HtmlValue) => htmlValue(x)).join('');
  return escapeHtml(v);
}

/** Tagged template: every interpolated value is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += htmlValue(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Free text typed by a person (officer remarks, a staff answer): escaped, line breaks kept. */
export function multiline(text: string): SafeHtml {
  return new SafeHtml(
    text
      .replace(/\r\n?/g, '\n')
      .trim()
      .split(/\n{2,}/)
      .map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
      .join(''),
  );
}

/** Quoted block for free text (officer remarks), text version prefixed with "  | ". */
export function quoteText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n');
}

export function quoteHtml(text: string): SafeHtml {
  return html`<div style="margin:12px 0;padding:8px 12px;border-left:4px solid #f0a202;background:#fff8e6">${multiline(text)}</div>`;
}

/** The API's base URL as configured (PUBLIC_BASE_URL): the address every link in a mail starts with. */
export function apiBase(ctx: MailContext): string {
  return ctx.portalUrl.replace(/\/+$/, '');
}

/** The API reference, the one page for people every mail can point at. */
export function apiReferenceUrl(ctx: MailContext): string {
  return `${apiBase(ctx)}/docs`;
}

/**
 * Where the API serves one file (an application or a duplicate/in-lieu request): its paths take the file
 * number, the draft number or the id. These are the addresses mails give, never a portal menu.
 */
export function fileApi(ctx: MailContext, number: string): { state: string; respond: string; sign: string; pay: string } {
  const f = `${apiBase(ctx)}/v1/applications/${encodeURIComponent(number)}`;
  return { state: `${f}/workflow`, respond: `${f}/deficiency-response`, sign: `${f}/signature`, pay: `${f}/payment` };
}

/** How to answer a deficiency (discrepancy) through the API, for the mails that offer it beside replying. */
export function respondThroughApi(ctx: MailContext, number: string, w: FileWords): string {
  const a = fileApi(ctx, number);
  return `through the API: POST ${a.respond} with {"kind":"edit"} once you have changed the ${w.noun}, or {"kind":"clarification"} with your text and files, then sign what it returns with POST ${a.sign} (API reference: ${apiReferenceUrl(ctx)})`;
}

export function link(url: string, label?: string): SafeHtml {
  const safe = /^https?:\/\//i.test(url) || /^mailto:/i.test(url) ? url : '#';
  return html`<a href="${safe}" style="color:#0b5394">${label ?? url}</a>`;
}

export function list(items: string[]): SafeHtml {
  return html`<ul style="margin:0 0 12px;padding-left:20px">${items.map((i) => html`<li>${i}</li>`)}</ul>`;
}

export function textList(items: string[]): string {
  return items.map((i) => `  - ${i}`).join('\n');
}

/** A two-column table of facts (label, value); the text version aligns them. */
export function factsHtml(rows: [string, string][]): SafeHtml {
  return html`<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${rows.map(
    ([k, v]) => html`<tr><td style="padding:2px 16px 2px 0;color:#555">${k}</td><td style="padding:2px 0"><strong>${v}</strong></td></tr>`,
  )}</table>`;
}

export function factsText(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${`${k}:`.padEnd(width + 2)}${v}`).join('\n');
}

const DATE = new Intl.DateTimeFormat('en-IN', { day: '2-digit', month: 'short', year: 'numeric', timeZone: 'Asia/Kolkata' });
const DATE_TIME = new Intl.DateTimeFormat('en-IN', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Asia/Kolkata',
});

/** "03 Mar 2025" (India time) */
export function formatDate(d: Date): string {
  return DATE.format(d);
}

/** "03 Mar 2025, 10:15 am IST" */
export function formatDateTime(d: Date): string {
  return `${DATE_TIME.format(d)} IST`;
}

/** "₹392.00" (Indian digit grouping: ₹1,00,000.00) */
export function formatRupees(amount: number): string {
  return new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2 }).format(amount);
}

const WAIT_UNITS: [string, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** A configured wait in words: "10 days", "36 hours", "1 minute" (the largest unit it is a whole number of). */
export function formatWait(ms: number): string {
  const units = WAIT_UNITS.filter(([, u]) => ms >= u);
  const [name, size] = units.find(([, u]) => ms % u === 0) ?? units[0] ?? WAIT_UNITS.at(-1)!;
  const n = Math.max(1, Math.round(ms / size));
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}

export function greetingName(name: string | null | undefined): string {
  const n = (name ?? '').trim();
  return n === '' ? 'Exporter' : n;
}

const SALUTATION = /^\s*(?:dear|respected|hello|hi|greetings|good\s+(?:morning|afternoon|evening)|namaste|namaskar)\b/i;

/** Whether a body opens with its own salutation ("Dear Mr Sharma,", "Hello Raj"), as a helpdesk answer typed by a person may. */
export function opensWithSalutation(text: string): boolean {
  return SALUTATION.test(text);
}

/**
 * Wraps the parts of a message in the common frame (greeting, body, sign-off, footer). One salutation per
 * mail: a body that opens with its own (a staff answer beginning "Dear Mr Sharma,") gets none from the frame.
 */
export function frame(ctx: MailContext, parts: { greeting: string; text: string; html: SafeHtml; footerNote?: string }): { text: string; html: string } {
  const footer = parts.footerNote ?? `This message was sent by ${ctx.platformName}. For help, write to ${ctx.helpdeskAddress}.`;
  const greet = !opensWithSalutation(parts.text);
  const text = `${greet ? `Dear ${parts.greeting},\n\n` : ''}${parts.text.trim()}\n\nRegards,\n${ctx.platformName}\n${apiReferenceUrl(ctx)}\n\n-- \n${footer}\n`;
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${ctx.platformName}</title></head>
<body style="margin:0;padding:0;background:#f4f4f4">
<div style="max-width:640px;margin:0 auto;padding:24px;background:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#222">
${greet ? html`<p style="margin:0 0 12px">Dear ${parts.greeting},</p>` : ''}
${parts.html}
<p style="margin:16px 0 0">Regards,<br>${ctx.platformName}<br>${link(apiReferenceUrl(ctx))}</p>
<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 8px">
<p style="margin:0;font-size:12px;color:#777">${footer}</p>
</div>
</body></html>
`;
  return { text, html: body.value };
}

/**
 * A request for a duplicate / in-lieu certificate (issue 11): its mails name it as such, and call the
 * officer's query a discrepancy, as the legacy screens do (seed 001 "Discrepancy Duplicate Certificate").
 */
export interface RequestMention {
  kind: 'duplicate' | 'in-lieu';
  originalCertificateNumber: string;
}

export interface FileWords {
  /** "application" | "request" */
  noun: string;
  /** "application 123" | "request 123 for a duplicate of certificate X" */
  named: (number: string) => string;
  /** "deficiency" | "discrepancy" */
  query: string;
}

export function fileWords(request?: RequestMention): FileWords {
  if (!request) {
    return { noun: 'application', named: (n) => `application ${n}`, query: 'deficiency' };
  }
  const what = request.kind === 'duplicate' ? 'a duplicate' : 'a certificate in lieu';
  return {
    noun: 'request',
    named: (n) => `request ${n} for ${what} of certificate ${request.originalCertificateNumber}`,
    query: 'discrepancy',
  };
}

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
