/**
 * Identifiers mentioned in a helpdesk mail, so a ticket can be linked to the exporter and application:
 * the IEC (10 characters), eCoO 2.0 draft and file numbers (DRAFTCOOAPPLY00229268AM25,
 * HQRCCOAPPLY00000019AM25), legacy request numbers (MPEDA/2019/013/0000081A, and duplicates
 * DGFT/2019/008/0000059A/00000003), certificate numbers named as such, and bank transaction references.
 */

export interface MailReferences {
  iecs: string[];
  draftNumbers: string[];
  fileNumbers: string[];
  legacyNumbers: string[];
  certificateNumbers: string[];
  transactionRefs: string[];
}

const uniq = (xs: string[]) => [...new Set(xs)];

/** PAN-based IEC: 5 letters (4th = holder type), 4 digits, 1 letter. */
const PAN_IEC = /\b([A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z])\b/g;
/** "IEC", "IE Code", "IEC No.", "IEC number:" … followed by a 10-character code. */
const IEC_AFTER_KEYWORD = /\b(?:iec|ie\s*code|import\s*export\s*code)(?:\s*(?:code|no\.?|number|num|is|:|-|#|=))*\s*([a-z0-9]{10})\b/gi;
/** office/kind prefix + APPLY + 8-digit sequence + module and year (AM25) */
const COO_APPLY = /\b([A-Z]{2,16})APPLY(\d{8})([A-Z]{2}\d{2})\b/g;
const LEGACY = /\b([A-Z]{2,10})\/(\d{4})\/(\d{3})\/(\d{7}[A-Z])(\/\d{8})?(?![\w/])/g;
const CERTIFICATE = /\b(?:certificate|coo|cert\.?)\s*(?:no\.?|number|num|#)\s*[:-]?\s*([A-Z0-9][A-Z0-9/-]{5,40}[A-Z0-9])/gi;
const TRANSACTION = /\b(?:utr|transaction\s*(?:id|ref(?:erence)?|no\.?|number)|txn\s*(?:id|no\.?)|bank\s*ref(?:erence)?(?:\s*no\.?)?|reference\s*no\.?)\s*[:\-#]?\s*([A-Z0-9]{8,24})\b/gi;

export function extractReferences(text: string): MailReferences {
  const iecs: string[] = [];
  for (const m of text.matchAll(IEC_AFTER_KEYWORD)) {
    const code = (m[1] ?? '').toUpperCase();
    // a 10-character word that is all letters is a word ("IEC REGISTERED"), not a code
    if (/\d/.test(code)) iecs.push(code);
  }
  for (const m of text.matchAll(PAN_IEC)) iecs.push(m[1] ?? '');

  const draftNumbers: string[] = [];
  const fileNumbers: string[] = [];
  for (const m of text.toUpperCase().matchAll(COO_APPLY)) {
    if ((m[1] ?? '').startsWith('DRAFT')) draftNumbers.push(m[0]);
    else fileNumbers.push(m[0]);
  }
  const legacyNumbers = [...text.toUpperCase().matchAll(LEGACY)].map((m) => m[0]);
  const known = new Set([...draftNumbers, ...fileNumbers, ...legacyNumbers]);
  const certificateNumbers = [...text.matchAll(CERTIFICATE)]
    .map((m) => (m[1] ?? '').toUpperCase())
    .filter((n) => /\d/.test(n) && !known.has(n));
  const transactionRefs = [...text.matchAll(TRANSACTION)].map((m) => (m[1] ?? '').toUpperCase()).filter((r) => /\d/.test(r));
  return {
    iecs: uniq(iecs).filter((i) => !known.has(i)),
    draftNumbers: uniq(draftNumbers),
    fileNumbers: uniq(fileNumbers),
    legacyNumbers: uniq(legacyNumbers),
    certificateNumbers: uniq(certificateNumbers),
    transactionRefs: uniq(transactionRefs),
  };
}
