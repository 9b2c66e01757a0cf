import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import type { CertificateDocument, CertificateParty } from './types.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const IEC = /^[A-Z0-9]{10}$/;
const HS = /^\d{6,10}$/;
const CURRENCY = /^[A-Z]{3}$/;
/** characters a PDF certificate number may carry: it also goes into a URL path */
const CERT_NO = /^[A-Z0-9][A-Z0-9/-]{3,63}$/;

function isDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/**
 * Lists what is wrong with a certificate before it is drawn, so an issuance never produces a
 * half-empty document. Returns an empty list when the document can be rendered.
 */
export function findCertificateProblems(doc: CertificateDocument): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const need = (path: string, value: string | undefined, what: string) => {
    if (!value || !value.trim()) problems.push({ path, message: `${what} is missing` });
  };
  const date = (path: string, value: string | undefined, what: string) => {
    if (!value || !value.trim()) problems.push({ path, message: `${what} is missing` });
    else if (!isDate(value)) problems.push({ path, message: `${what} must be a date written YYYY-MM-DD (got "${value}")` });
  };
  const party = (path: string, p: CertificateParty | undefined, who: string) => {
    if (!p) {
      problems.push({ path, message: `${who} is missing` });
      return;
    }
    need(`${path}/name`, p.name, `${who}'s name`);
    need(`${path}/address`, p.address, `${who}'s address`);
    need(`${path}/country`, p.country, `${who}'s country`);
    if (p.countryCode !== undefined && !/^[A-Z]{2}$/.test(p.countryCode)) {
      problems.push({ path: `${path}/countryCode`, message: `${who}'s country code must be two capital letters (ISO 3166), e.g. "OM"` });
    }
  };

  if (!CERT_NO.test(doc.certificateNumber ?? '')) {
    problems.push({
      path: 'certificateNumber',
      message: 'The certificate number must be 4 to 64 capital letters, digits, "/" or "-"',
    });
  }
  date('issueDate', doc.issueDate, 'The issue date');
  need('agreement/code', doc.agreement?.code, 'The agreement code');
  need('agreement/title', doc.agreement?.title, 'The agreement title');
  need('exporter/name', doc.exporter?.name, "The exporter's name");
  need('exporter/address', doc.exporter?.address, "The exporter's address");
  if (!IEC.test(doc.exporter?.iec ?? '')) problems.push({ path: 'exporter/iec', message: 'The IEC must be 10 capital letters or digits' });
  party('importer', doc.importer, 'The importer');
  if (doc.consignee) party('consignee', doc.consignee, 'The consignee');

  const t = doc.transport;
  if (!t) problems.push({ path: 'transport', message: 'The transport details are missing' });
  else {
    need('transport/mode', t.mode, 'The mode of transport');
    need('transport/portOfLoading', t.portOfLoading, 'The port of loading');
    need('transport/portOfDischarge', t.portOfDischarge, 'The port of discharge');
    need('transport/route', t.route, 'The route');
    date('transport/departureDate', t.departureDate, 'The departure date');
  }

  const inv = doc.invoice;
  need('invoice/number', inv?.number, 'The invoice number');
  date('invoice/date', inv?.date, 'The invoice date');
  if (!CURRENCY.test(inv?.currency ?? '')) problems.push({ path: 'invoice/currency', message: 'The invoice currency must be a 3-letter ISO code, e.g. "USD"' });
  if (!(Number.isFinite(inv?.value) && (inv?.value ?? 0) > 0)) problems.push({ path: 'invoice/value', message: 'The invoice value must be a positive amount' });

  if (!Array.isArray(doc.goods) || doc.goods.length === 0) {
    problems.push({ path: 'goods', message: 'A certificate needs at least one goods item' });
  } else {
    const seen = new Set<number>();
    doc.goods.forEach((g, i) => {
      const p = `goods/${i}`;
      if (!Number.isInteger(g.itemNumber) || g.itemNumber < 1) problems.push({ path: `${p}/itemNumber`, message: 'Item numbers are whole numbers from 1' });
      else if (seen.has(g.itemNumber)) problems.push({ path: `${p}/itemNumber`, message: `Item number ${g.itemNumber} appears twice` });
      seen.add(g.itemNumber);
      need(`${p}/description`, g.description, `The description of item ${i + 1}`);
      need(`${p}/packages/kind`, g.packages?.kind, `The kind of packages of item ${i + 1}`);
      if (!(Number.isInteger(g.packages?.count) && (g.packages?.count ?? 0) > 0)) problems.push({ path: `${p}/packages/count`, message: `The number of packages of item ${i + 1} must be a whole number above 0` });
      if (!HS.test(g.hsCode ?? '')) problems.push({ path: `${p}/hsCode`, message: `The HS code of item ${i + 1} must be 6 to 10 digits (got "${g.hsCode}")` });
      need(`${p}/preferenceCriterion`, g.preferenceCriterion, `The origin criterion of item ${i + 1}`);
      if (!(Number.isFinite(g.grossQuantity?.value) && (g.grossQuantity?.value ?? 0) > 0)) problems.push({ path: `${p}/grossQuantity/value`, message: `The quantity of item ${i + 1} must be above 0` });
      need(`${p}/grossQuantity/unit`, g.grossQuantity?.unit, `The quantity unit of item ${i + 1}`);
      need(`${p}/invoiceNumber`, g.invoiceNumber, `The invoice number of item ${i + 1}`);
      date(`${p}/invoiceDate`, g.invoiceDate, `The invoice date of item ${i + 1}`);
      if (!(Number.isFinite(g.value) && g.value >= 0)) problems.push({ path: `${p}/value`, message: `The value of item ${i + 1} must be an amount of 0 or more` });
    });
    const sameInvoice = doc.goods.every((g) => g.invoiceNumber === inv?.number);
    if (sameInvoice && inv && Number.isFinite(inv.value)) {
      const cents = doc.goods.reduce((s, g) => s + Math.round((g.value ?? 0) * 100), 0);
      if (cents !== Math.round(inv.value * 100)) {
        problems.push({
          path: 'goods',
          message: `The item values add up to ${(cents / 100).toFixed(2)} but the invoice value is ${inv.value.toFixed(2)} ${inv.currency}`,
        });
      }
    }
  }

  const d = doc.declaration;
  need('declaration/place', d?.place, 'The place of the declaration');
  date('declaration/date', d?.date, 'The date of the declaration');
  need('declaration/name', d?.name, "The declarant's name");
  need('declaration/designation', d?.designation, "The declarant's designation");
  if (d && d.countryOfOrigin !== 'INDIA') problems.push({ path: 'declaration/countryOfOrigin', message: 'The country of origin must be "INDIA"' });
  need('declaration/importingCountry', d?.importingCountry, 'The importing country');

  const c = doc.certification;
  need('certification/officeName', c?.officeName, "The issuing office's name");
  need('certification/agencyName', c?.agencyName, "The issuing agency's name");
  need('certification/officerName', c?.officerName, "The issuing officer's name");
  need('certification/place', c?.place, 'The place of certification');
  date('certification/date', c?.date, 'The date of certification');

  if (doc.thirdCountryInvoicing && !doc.thirdCountryOperator?.trim()) {
    problems.push({ path: 'thirdCountryOperator', message: 'With third-country invoicing, give the name and address of the operator who issued the invoice' });
  }
  return problems;
}

/** Throws a validation AppError listing every problem, or returns when the document can be rendered. */
export function assertCertificateDocument(doc: CertificateDocument): void {
  const problems = findCertificateProblems(doc);
  if (problems.length > 0) {
    throw new AppError(ErrorCode.ValidationFailed, `The certificate ${doc.certificateNumber ?? ''} cannot be issued: ${problems.map((p) => p.message).join('; ')}`.replace('  ', ' '), { problems });
  }
}
