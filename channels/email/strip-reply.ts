/**
 * The new text of an e-mail reply: quoted history and the sender's signature removed, so an exporter's
 * clarification or a helpdesk question is stored without the whole thread under it.
 *
 * History: "> " lines; attribution lines ("On … wrote:", Hindi "… ने लिखा:"); Outlook header blocks
 * ("From: … Sent: … To: … Subject: …"); "-----Original Message-----" and forwarded-message separators.
 * Signatures: the "-- " delimiter; "Sent from my iPhone"-style footers; sign-off blocks ("Regards,",
 * "Thanks & Regards", "Yours faithfully", "For ACME EXPORTS PVT LTD / Authorised Signatory") with at most a
 * few short lines after them; confidentiality disclaimers.
 */
import { HISTORY_MARKER, htmlToText } from './html-to-text.js';

export interface SplitReply {
  /** the new text */
  reply: string;
  /** what was recognised as quoted history ('' when none) */
  history: string;
  /** what was recognised as the signature ('' when none) */
  signature: string;
}

const QUOTED = /^\s*>/;
const SEPARATOR = [
  /^\s*-{2,}\s*(original message|original|forwarded message|mensaje original|message d'origine|ursprüngliche nachricht)\s*-{2,}\s*$/i,
  /^\s*-{5,}\s*(begin forwarded message|forwarded by .*)\s*:?\s*-*\s*$/i,
  /^\s*begin forwarded message\s*:\s*$/i,
  /^\s*_{10,}\s*$/,
];
const ATTRIBUTION = [
  /^\s*on\s.{4,300}\swrote\s*:\s*$/i, // Gmail, Apple Mail, Thunderbird ("On 3 Mar 2025, at 10:15, Raj <raj@x> wrote:")
  /^\s*.{1,200}\s(wrote|writes)\s*:\s*$/i, // Thunderbird without "On" ("Raj Kumar wrote:", "03/03/2025 10:15, Raj wrote:")
  /^\s*.{4,300}\s(a écrit|schrieb|escribió|ha scritto|schreef)\s*:\s*$/i,
  /^\s*.{4,300}\sने लिखा\s*:\s*$/,
];
const HEADER_FROM = /^\s*\*?\s*(from|de|von|van|da|प्रेषक)\s*:\s*\*?\s*\S/i;
const HEADER_SENT = /^\s*\*?\s*(sent|date|envoyé|gesendet|datum|enviado|fecha|भेजा गया)\s*:\s*\*?/i;
const HEADER_OTHER = /^\s*\*?\s*(to|subject|cc|objet|betreff|asunto|à|an)\s*:\s*\*?/i;

const SIG_DELIMITER = /^-- ?$/;
const MOBILE_FOOTER = [
  /^\s*sent from my (iphone|ipad|android|mobile|samsung|galaxy|blackberry|redmi|xiaomi|oneplus|oppo|vivo|realme|huawei|nokia|motorola|pixel|smartphone|phone|tablet)\b.*$/i,
  /^\s*sent from (outlook|mail|yahoo mail|gmail|aol|zoho mail|rediffmail)( for (ios|android|windows|iphone|mac))?\b.*$/i,
  /^\s*sent (from|via|using) (the )?(gmail|outlook|yahoo|samsung|blackberry|zoho|rediff)\b.*$/i,
  /^\s*get outlook for (ios|android)\s*$/i,
  /^\s*(sent|typed) (on|from) (a|my) (mobile|phone|small keyboard)\b.*$/i,
  /^\s*please excuse (typos|brevity|any typos)\b.*$/i,
];
const DISCLAIMER = [
  /^\s*(disclaimer|confidentiality notice|confidentiality note|legal disclaimer|important notice)\s*:?/i,
  /^\s*this (e-?mail|message|communication)( and any (files|attachments))?( transmitted with it)? (is|are|may be|contains?) (confidential|privileged|intended)/i,
  /^\s*please consider the environment before printing/i,
  /^\s*(save paper|go green)\b.*print/i,
];
/** A line that is only a sign-off ("Regards,", "Thanks & Regards", "Yours faithfully,"), optionally with a short name. */
const SIGN_OFF =
  /^\s*(thanks\s*(&|and)\s*(best\s*)?regards|thanks\s*(&|and)\s*rgds|warm(est)?\s+regards|best\s+regards|kind\s+regards|with\s+(warm\s+|best\s+|kind\s+)?regards|regards|rgds|regds|best wishes|best|cheers|sincerely|yours\s+(faithfully|sincerely|truly)|thanking\s+you(\s+in\s+advance)?(\s+sir|\s+madam)?|thanks(\s+a\s+lot|\s+in\s+advance|\s+and\s+regards)?|many\s+thanks|thank\s+you(\s+very\s+much|\s+in\s+advance)?(\s+sir|\s+madam)?|with\s+thanks|jai\s+hind|sd\/-)\s*[,.!:\-\u2013]*\s*(.*?)\s*$/i;
/** What may follow a sign-off on the same line: a short capitalised name ("Regards, Raj Kumar"). */
const SIGN_OFF_NAME = /^[A-Z][A-Za-z.'-]*(\s+[A-Z][A-Za-z.'-]*){0,3}$/;

function isSignOff(line: string): boolean {
  const m = SIGN_OFF.exec(line);
  if (!m) return false;
  const rest = m[m.length - 1] ?? '';
  return rest === '' || SIGN_OFF_NAME.test(rest);
}
/** How many non-empty lines may follow a sign-off for it to count as the signature block. */
const SIGN_OFF_TAIL = 12;

function normalise(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').split('\n').map((l) => l.replace(/\s+$/, ''));
}

function isAttributionAt(lines: string[], i: number): number {
  // Attribution lines are often wrapped: try the line alone, then joined with the next one or two.
  for (let span = 1; span <= 3 && i + span <= lines.length; span++) {
    const slice = lines.slice(i, i + span);
    if (slice.some((l) => QUOTED.test(l) || l.trim() === '')) break;
    const joined = slice.join(' ');
    if (ATTRIBUTION.some((re) => re.test(joined))) {
      if (span === 1 && !/\bon\s/i.test(joined) && !ATTRIBUTION[0]?.test(joined)) {
        // "X wrote:" without "On": accept only when quoted lines (or nothing) follow.
        const next = lines.slice(i + 1).find((l) => l.trim() !== '');
        if (next !== undefined && !QUOTED.test(next)) return 0;
      }
      return span;
    }
  }
  return 0;
}

function isHeaderBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i] ?? '')) return false;
  const window = lines.slice(i + 1, i + 8);
  return window.some((l) => HEADER_SENT.test(l)) && window.some((l) => HEADER_OTHER.test(l));
}

/** Index of the first line of unquoted history (separator, attribution, header block), or -1. */
function historyStart(lines: string[]): { index: number; attributionSpan: number } {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (QUOTED.test(line)) continue;
    if (line.includes(HISTORY_MARKER)) return { index: i, attributionSpan: 0 };
    if (SEPARATOR.some((re) => re.test(line))) {
      // an underscore rule only counts when a header block follows it
      if (/^\s*_{10,}\s*$/.test(line)) {
        const next = lines.findIndex((l, j) => j > i && l.trim() !== '');
        if (next < 0 || !isHeaderBlockAt(lines, next)) continue;
      }
      return { index: i, attributionSpan: 0 };
    }
    if (isHeaderBlockAt(lines, i)) return { index: i, attributionSpan: 0 };
    const span = isAttributionAt(lines, i);
    if (span > 0) return { index: i, attributionSpan: span };
  }
  return { index: -1, attributionSpan: 0 };
}

function signatureStart(lines: string[]): number {
  let first = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (SIG_DELIMITER.test(line) || MOBILE_FOOTER.some((re) => re.test(line)) || DISCLAIMER.some((re) => re.test(line))) {
      first = i;
      break;
    }
  }
  const end = first >= 0 ? first : lines.length;
  for (let i = 0; i < end; i++) {
    if (!isSignOff(lines[i] ?? '')) continue;
    const tail = lines.slice(i + 1, end).filter((l) => l.trim() !== '');
    if (tail.length <= SIGN_OFF_TAIL && tail.every((l) => l.trim().length <= 100)) return i;
  }
  return first;
}

function tidy(lines: string[]): string {
  const out: string[] = [];
  for (const l of lines) {
    if (l.trim() === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(l.trim() === '' ? '' : l);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

export function splitReply(text: string): SplitReply {
  let lines = normalise(text);
  const history: string[] = [];

  const start = historyStart(lines);
  if (start.index >= 0) {
    const before = lines.slice(0, start.index);
    const hasNewText = before.some((l) => l.trim() !== '' && !QUOTED.test(l));
    if (hasNewText) {
      history.push(...lines.slice(start.index));
      lines = before;
    } else if (start.attributionSpan > 0) {
      // Bottom-posted or interleaved reply: the attribution heads the quote, the answer follows it.
      history.push(...lines.slice(start.index, start.index + start.attributionSpan));
      lines = [...before, ...lines.slice(start.index + start.attributionSpan)];
    }
  }
  const kept: string[] = [];
  for (const l of lines) {
    if (QUOTED.test(l) || l.includes(HISTORY_MARKER)) history.push(l);
    else kept.push(l);
  }
  // Attribution lines left over in an interleaved reply
  const withoutAttributions: string[] = [];
  for (let i = 0; i < kept.length; i++) {
    const span = isAttributionAt(kept, i);
    const line = kept[i] ?? '';
    if (span === 1 && /wrote\s*:\s*$|लिखा\s*:\s*$/i.test(line)) {
      history.push(line);
      continue;
    }
    withoutAttributions.push(line);
  }

  let signature: string[] = [];
  let body = withoutAttributions;
  const sig = signatureStart(body);
  if (sig >= 0) {
    signature = body.slice(sig);
    body = body.slice(0, sig);
  }
  return { reply: tidy(body), history: tidy(history), signature: tidy(signature) };
}

/** The new text of a plain-text reply. */
export function stripReply(text: string): string {
  return splitReply(text).reply;
}

/** The new text of an HTML reply (converted to text first, with the quote and signature containers mail clients use). */
export function stripReplyHtml(html: string): string {
  return splitReply(htmlToText(html, { forReply: true })).reply;
}
