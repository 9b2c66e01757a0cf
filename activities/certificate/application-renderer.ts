import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { PDFDocument } from 'pdf-lib';
import type { JSONWebKeySet, JWK } from 'jose';
import { CertificateRow, IecRecord, SignedVersion, StaffUserRow } from '../../db/entities/index.js';
import { indianDateOf } from '../../domain/application/financial-year.js';
import type { ApplicationDraft, ExportItem, ImportItem } from '../../domain/application/schemas.js';
import { resolveAgreementForm } from '../../domain/certificate/agreement-forms.js';
import { formatCertificateDate } from '../../domain/certificate/format.js';
import type {
  CertificateDocument,
  CertificateGoodsItem,
  CertificateHistoryEvent,
  CertificateHistoryEventType,
  CertificateRecord,
  CertificateStatus,
  TransportMode,
} from '../../domain/certificate/types.js';
import { assertCertificateDocument } from '../../domain/certificate/validate-certificate-document.js';
import { countryName } from '../../domain/reference/countries.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import type { Address, IecRecord as IecMasterRecord, IssuingAgency, RegionalOffice, TradeAgreement } from '../../domain/reference/types.js';
import type { CertificateSettings } from '../../lib/config.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { CertificateRenderer } from '../application/issue-document.js';
import { drawSignature, drawStamp, type StampText } from './demo-images.js';
import { issueCertificatePdf, prepareCertificatePdf } from './issue-certificate-pdf.js';
import { prepareImage, type PreparedImage } from './pdf-image.js';
import { cleanUploadedImage } from './png.js';
import { generateDevQrKeyPem, loadQrSigningKey, publicJwks, type QrSigningKey } from './qr-payload.js';
import type { CertificateImages } from './render-certificate.js';
import { createP12Signer, embedExternalSignature, type CmsSigner, type SignerIdentity } from './sign-pdf.js';

/**
 * The certificate of an application approved through the workflow: what it says (built from the
 * application's frozen tabs, the reference data, the exporter's IEC master record and the approving
 * officer), and the issuance pieces around it: the office's e-seal, the officer's signature and the
 * office stamp, the QR key. The application workflow's `issueCertificateDocument` calls `render` once
 * per certificate.
 *
 * The document is frozen into the certificate row (`document.certificate`) at the first render, so the
 * public verification shows what the signed PDF says even after the IEC record or staff names change.
 */

/** The certificate row's `document` JSON: written at approval, completed at the first render. */
export interface StoredCertificateDocument {
  applicationNumber: string;
  fileNumber: string | null;
  /** the application's tabs as approved */
  tabs: ApplicationDraft;
  certificate?: CertificateDocument;
  signature?: { commonName: string; serialNumber: string; organization?: string; signedAt: string; pageCount: number };
}

// ---- the document ----

export interface CertificateSources {
  certificateNumber: string;
  issuedAt: Date;
  tabs: ApplicationDraft;
  agreement: TradeAgreement;
  agency: IssuingAgency;
  office: RegionalOffice;
  exporter: IecMasterRecord;
  officer: { name: string; designation?: string | undefined };
  /** when the exporter signed the approved version (YYYY-MM-DD) */
  declaredOn?: string | undefined;
}

function invalid(message: string, path: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { problems: [{ path, message }] });
}

function formatAddress(a: Address): string {
  return [a.line1, a.line2, a.district && a.district !== a.city ? a.district : undefined, `${a.city} ${a.pincode}`, a.state]
    .filter((x): x is string => !!x && x.trim() !== '')
    .join(', ');
}

/** "Korea, Republic of" → "Republic of Korea": the form printed on documents. */
export function printedCountryName(code: string): string {
  const name = countryName(code);
  const m = /^(.+), (.+)$/.exec(name);
  return m ? `${m[2]} ${m[1]}` : name;
}

/**
 * "60 corrugated cartons" → 60 × "corrugated cartons". The form's field is free text ("Number and kind of
 * packages"); a text without any number (e.g. "In bulk") is printed as one lot of that kind.
 */
export function parsePackages(text: string): { count: number; kind: string } {
  const t = text.trim().replace(/\s+/g, ' ');
  const lead = /^(\d{1,3}(?:,\d{3})+|\d+)\s*(?:(?:x|nos?\.?|no\.?)\s+)?(.*)$/i.exec(t);
  if (lead?.[1]) {
    const count = Number(lead[1].replace(/,/g, ''));
    if (count > 0) return { count, kind: lead[2]?.trim() || 'PACKAGES' };
  }
  const any = /(\d{1,3}(?:,\d{3})+|\d+)/.exec(t);
  if (any?.[1] && Number(any[1].replace(/,/g, '')) > 0) {
    const kind = (t.slice(0, any.index) + t.slice(any.index + any[1].length)).replace(/\s+/g, ' ').replace(/^[\s:,-]+|[\s:,-]+$/g, '');
    return { count: Number(any[1].replace(/,/g, '')), kind: kind || 'PACKAGES' };
  }
  return { count: 1, kind: t };
}

/** The HS code as printed: the 6-digit subheading (from the 8-digit ITC-HS code when only 4 digits were given). */
export function printedHsCode(item: Pick<ExportItem, 'hsCode' | 'itcHsCode'>): string {
  return item.hsCode.length >= 6 ? item.hsCode : item.itcHsCode.slice(0, 6);
}

function formatPercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

function criterionText(agreement: TradeAgreement, imp: ImportItem | undefined): string {
  if (!imp) return '';
  const def = agreement.originCriteria.find((c) => c.code.toUpperCase() === imp.preferenceCriterion.toUpperCase());
  const printed = def?.printedAs ?? imp.preferenceCriterion.toUpperCase();
  return def?.valueRequired ? `${printed} ${formatPercent(imp.preferenceCriterionValuePercent)}` : printed;
}

const TRANSPORT: Record<string, TransportMode> = { sea: 'SEA', air: 'AIR', road: 'ROAD', rail: 'RAIL', multimodal: 'MULTIMODAL' };
const SHIPMENT_DOCUMENTS: Record<string, string> = {
  bill_of_lading: 'Bill of Lading',
  airway_bill: 'Airway Bill',
  lorry_receipt: 'Lorry Receipt',
  railway_receipt: 'Railway Receipt',
  multimodal_transport_document: 'Multimodal Transport Document',
};

/** What the certificate says, from the approved application and the data around it. Pure. */
export function buildCertificateDocument(src: CertificateSources): CertificateDocument {
  const { tabs, agreement, agency, office, exporter } = src;
  const details = tabs.certificateDetails;
  const products = tabs.exportProducts;
  const shipment = tabs.shipment;
  const declaration = tabs.declaration;
  if (!details) throw invalid('The application has no certificate details (tab 2): no certificate can be drawn.', 'tabs/certificateDetails');
  if (!products?.items.length) throw invalid('The application has no export products (tab 3): no certificate can be drawn.', 'tabs/exportProducts');
  if (!shipment) throw invalid('The application has no shipment details (tab 5): no certificate can be drawn.', 'tabs/shipment');
  if (!declaration) throw invalid('The application has no declaration (tab 7): no certificate can be drawn.', 'tabs/declaration');

  const issueDate = indianDateOf(src.issuedAt);
  const invoice = details.invoice;
  const branch = exporter.branches.find((b) => b.branchCode === tabs.basicDetails?.iecBranchCode);
  const importing = printedCountryName(details.importer.country);
  const discharge = /^\s*others?\s*$/i.test(shipment.portOfDischarge) ? (shipment.portOfDischargeOther ?? shipment.portOfDischarge) : shipment.portOfDischarge;

  const goods: CertificateGoodsItem[] = [...products.items]
    .sort((a, b) => a.itemNo - b.itemNo)
    .map((item) => ({
      itemNumber: item.itemNo,
      marksAndNumbers: item.marksAndNumbers,
      packages: parsePackages(item.packages),
      description: item.description,
      hsCode: printedHsCode(item),
      preferenceCriterion: criterionText(agreement, tabs.importDetails?.items.find((i) => i.itemNo === item.itemNo)),
      grossQuantity: { value: item.quantity, unit: item.unit },
      invoiceNumber: invoice.number,
      invoiceDate: invoice.date,
      value: item.valueInCurrency,
    }));

  const remarks: string[] = [];
  if (shipment.shipmentDocumentType && shipment.shipmentDocumentNumber) {
    const label = SHIPMENT_DOCUMENTS[shipment.shipmentDocumentType] ?? shipment.shipmentDocumentType;
    remarks.push(`${label} No. ${shipment.shipmentDocumentNumber}${shipment.shipmentDate ? ` dated ${formatCertificateDate(shipment.shipmentDate)}` : ''}.`);
  }
  if (!shipment.shipmentDate) remarks.push('Departure date not known at issue: the date of issue is shown.');

  const third = invoice.thirdCountryInvoicing ? invoice.thirdCountryInvoice : undefined;
  return {
    certificateNumber: src.certificateNumber,
    issueDate,
    agreement: { code: agreement.code, title: agreement.title },
    exporter: { name: exporter.firmName, address: formatAddress(branch?.address ?? exporter.registeredAddress), iec: exporter.iec },
    importer: { name: details.importer.name, address: details.importer.address, country: importing, countryCode: details.importer.country },
    transport: {
      mode: TRANSPORT[shipment.modeOfTransport] ?? 'MULTIMODAL',
      portOfLoading: shipment.portOfShipment,
      portOfDischarge: discharge,
      route: shipment.route,
      departureDate: shipment.shipmentDate ?? issueDate,
    },
    goods,
    invoice: { number: invoice.number, date: invoice.date, currency: invoice.currency, value: invoice.valueInCurrency },
    declaration: {
      place: declaration.place,
      date: src.declaredOn ?? issueDate,
      name: declaration.name,
      designation: declaration.designation,
      countryOfOrigin: 'INDIA',
      importingCountry: importing,
    },
    certification: {
      officeName: office.name,
      agencyName: agency.name,
      officerName: src.officer.name,
      ...(src.officer.designation ? { officerDesignation: src.officer.designation } : {}),
      place: office.address.city.toUpperCase(),
      date: issueDate,
    },
    thirdCountryInvoicing: invoice.thirdCountryInvoicing,
    ...(invoice.thirdCountryInvoicing
      ? { thirdCountryOperator: third ? `${third.operatorName}, ${third.operatorAddress}, ${printedCountryName(third.operatorCountry)}` : 'Not stated' }
      : {}),
    ...(remarks.length ? { remarks: remarks.join(' ') } : {}),
  };
}

type HistoryEntry = { at: string; event: string; note?: string };

/** The officer who approved: the staff directory, else the name recorded with the issue event ("by <name>"). */
async function approvingOfficer(em: EntityManager, row: CertificateRow): Promise<{ name: string; designation?: string }> {
  const staff = await em.findOne(StaffUserRow, { id: row.issuedBy });
  if (staff) return { name: staff.name, designation: staff.designation };
  const issued = (row.history as HistoryEntry[]).find((h) => h.event === 'issued');
  const name = /^by (.+)$/.exec(issued?.note ?? '')?.[1]?.trim();
  return { name: name || row.issuedBy };
}

/** Everything {@link buildCertificateDocument} needs, read for one certificate row. */
export async function loadCertificateSources(em: EntityManager, reference: ReferenceIndex, row: CertificateRow): Promise<CertificateSources> {
  const stored = row.document as unknown as StoredCertificateDocument;
  const agreement = reference.agreement(row.agreementCode);
  const agency = reference.agency(row.agencyCode);
  const office = reference.office(row.officeCode);
  if (!agreement || !agency || !office) {
    throw invalid(`Certificate ${row.number}: agreement ${row.agreementCode}, agency ${row.agencyCode} or office ${row.officeCode} is missing from the reference data.`, 'reference');
  }
  const iec = await em.findOne(IecRecord, { iec: row.iec });
  if (!iec) throw invalid(`Certificate ${row.number}: IEC ${row.iec} has no record in the local copy of the IEC master.`, 'iec');
  const signed = await em.findOne(
    SignedVersion,
    { applicationId: row.applicationId, purpose: { $in: ['submission', 'deficiency-edit'] } },
    { orderBy: { signedAt: 'desc' } },
  );
  return {
    certificateNumber: row.number,
    issuedAt: row.issuedAt,
    tabs: stored.tabs ?? {},
    agreement,
    agency,
    office,
    exporter: iec.data as unknown as IecMasterRecord,
    officer: await approvingOfficer(em, row),
    declaredOn: signed ? indianDateOf(signed.signedAt) : undefined,
  };
}

/** The frozen document, or (before the first render) the document as it would be drawn now. */
export async function certificateDocumentOf(em: EntityManager, reference: () => Promise<ReferenceIndex>, row: CertificateRow): Promise<CertificateDocument> {
  const stored = row.document as unknown as StoredCertificateDocument;
  return stored.certificate ?? buildCertificateDocument(await loadCertificateSources(em, await reference(), row));
}

// ---- the live record ----

const HISTORY_TYPES: ReadonlySet<string> = new Set<CertificateHistoryEventType>(['issued', 'duplicate_requested', 'superseded', 'revoked', 'reinstated', 'note']);
const CERTIFICATE_NUMBER_IN_TEXT = /[A-Z]{2,10}\/\d{4}\/\d{3}\/\d{7}[A-Z](?:\/\d{8})?/;

/**
 * The stored history ({at, event, note}) as the public sees it: a fixed sentence per event type, the
 * office as actor. The note of the issue event names the officer and is not repeated.
 */
export function publicHistory(history: HistoryEntry[], officeName: string): CertificateHistoryEvent[] {
  return history.map((h): CertificateHistoryEvent => {
    const type = (HISTORY_TYPES.has(h.event) ? h.event : 'note') as CertificateHistoryEventType;
    const related = CERTIFICATE_NUMBER_IN_TEXT.exec(h.note ?? '')?.[0];
    const note = h.note?.trim();
    let description: string;
    switch (type) {
      case 'issued':
        description = 'Certificate issued and digitally signed';
        break;
      case 'duplicate_requested':
        description = `A duplicate certificate was requested${note ? `: ${note}` : ''}`;
        break;
      case 'superseded':
        description = related ? `Superseded by duplicate certificate ${related}` : `Superseded by a duplicate certificate${note ? `: ${note}` : ''}`;
        break;
      case 'revoked':
        description = `Revoked${note ? `: ${note}` : ''}`;
        break;
      case 'reinstated':
        description = `Reinstated${note ? `: ${note}` : ''}`;
        break;
      default:
        description = note || h.event;
    }
    return { at: h.at, type, description, actor: officeName, ...(related ? { relatedCertificateNumber: related } : {}) };
  });
}

const STATUSES: ReadonlySet<string> = new Set<CertificateStatus>(['issued', 'superseded', 'revoked']);

/** The record the verification page and the JSON API show. `supersededBy`: the newest duplicate, if any. */
export function certificateRecordOf(row: CertificateRow, document: CertificateDocument, supersededBy?: string): CertificateRecord {
  const stored = row.document as unknown as StoredCertificateDocument;
  const history = row.history as HistoryEntry[];
  // an unknown status is never shown as valid
  const status: CertificateStatus = STATUSES.has(row.status) ? (row.status as CertificateStatus) : 'revoked';
  const revokedEvent = [...history].reverse().find((h) => h.event === 'revoked');
  return {
    certificateNumber: row.number,
    status,
    issuedAt: row.issuedAt.toISOString(),
    document,
    ...(status === 'superseded' && supersededBy ? { supersededBy } : {}),
    ...(status === 'revoked'
      ? { revocation: { at: revokedEvent?.at ?? row.issuedAt.toISOString(), reason: revokedEvent?.note ?? (row.status === 'revoked' ? 'Revoked by the issuing agency.' : `Status: ${row.status}.`) } }
      : {}),
    history: publicHistory(history, document.certification.officeName),
    ...(row.pdfSha256 ? { pdfSha256: row.pdfSha256 } : {}),
    ...(stored.signature
      ? { signedBy: { commonName: stored.signature.commonName, serialNumber: stored.signature.serialNumber, ...(stored.signature.organization ? { organization: stored.signature.organization } : {}) } }
      : {}),
  };
}

/** Constant-time comparison of a QR link token with the certificate's stored token. */
export function linkTokenMatches(stored: string | undefined, given: string): boolean {
  const a = Buffer.from(stored ?? randomBytes(24).toString('base64url'));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b) && stored !== undefined;
}

// ---- key material ----

const OFFICE_CODE = /^[A-Z0-9]{2,10}(?:-[A-Z0-9]{2,10})*$/;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The office has no e-seal configured (as opposed to one that cannot be opened). */
export class NoEsealError extends Error {
  override name = 'NoEsealError';
}

/** Each office's e-seal (PKCS#12), opened once and kept: per-office variable, ESEAL_DIR, then (outside production) the test PKI. */
export function createEsealSource(settings: CertificateSettings['eseal']) {
  const signers = new Map<string, CmsSigner>();
  return {
    async signerFor(officeCode: string): Promise<CmsSigner> {
      const cached = signers.get(officeCode);
      if (cached) return cached;
      if (!OFFICE_CODE.test(officeCode)) throw new Error(`"${officeCode}" is not an office code.`);
      const env = settings.perOffice[officeCode];
      let p12: Buffer | string | undefined = env?.p12Base64;
      let source = `ESEAL_P12_BASE64_${officeCode.replace(/-/g, '_')}`;
      const candidates = [
        ...(settings.dir ? [path.join(settings.dir, `${officeCode}.p12`)] : []),
        ...(settings.devPkiDir ? [path.join(settings.devPkiDir, `eseal-${officeCode}.p12`)] : []),
      ];
      for (const file of p12 === undefined ? candidates : []) {
        if (await exists(file)) {
          p12 = await readFile(file);
          source = file;
          break;
        }
      }
      if (p12 === undefined) {
        throw new NoEsealError(
          `Office ${officeCode} has no e-seal to sign certificates with: put ${officeCode}.p12 in ESEAL_DIR` +
            `${settings.dir ? ` (${settings.dir})` : ''} or set ESEAL_P12_BASE64_${officeCode.replace(/-/g, '_')}` +
            (settings.devPkiDir ? `; for development, the test PKI (npx tsx scripts/pki/test-pki.ts ${settings.devPkiDir}) has e-seals for some offices.` : '.'),
        );
      }
      const password = env?.password ?? settings.password;
      if (password === undefined) throw new Error(`The e-seal of office ${officeCode} (${source}) needs its password: set ESEAL_P12_PASSWORD.`);
      const signer = createP12Signer({ p12, password, label: `e-seal ${officeCode}` });
      signers.set(officeCode, signer);
      return signer;
    },
  };
}

/** Uploaded stamp and signature images (backgrounds removed), or demo images drawn for the missing ones. */
export function createCertificateImageSource(imagesDir: string) {
  const cache = new Map<string, PreparedImage>();
  async function load(kind: 'stamps' | 'signatures', id: string, draw: () => PreparedImage): Promise<PreparedImage> {
    const safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
    const file = path.join(imagesDir, kind, `${safe}.png`);
    const st = await stat(file).catch(() => null);
    const key = `${kind}/${safe}/${st ? st.mtimeMs : 'demo'}`;
    let image = cache.get(key);
    if (!image) {
      image = st ? prepareImage(cleanUploadedImage(await readFile(file)).png) : draw();
      cache.set(key, image);
    }
    return image;
  }
  return {
    async imagesFor(opts: { officeCode: string; officerId: string; officerName: string; stamp: StampText }): Promise<CertificateImages> {
      const [signature, stamp] = await Promise.all([
        load('signatures', opts.officerId, () => prepareImage(drawSignature(opts.officerName))),
        load('stamps', opts.officeCode, () => prepareImage(drawStamp(opts.stamp))),
      ]);
      return { signature, stamp };
    },
  };
}

async function readPemOrCreate(file: string, generate: boolean): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (!generate) {
      throw new Error(`The QR signing key ${file} does not exist: set QR_SIGNING_KEY_FILE to an EC P-256 private key (PEM), or QR_SIGNING_KEY.`);
    }
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, generateDevQrKeyPem(), { mode: 0o600 });
  try {
    // the API and the worker may both start on a fresh folder: the first link wins, the other reads it
    await link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await rm(tmp, { force: true });
  }
  return readFile(file, 'utf8');
}

/** The QR seal key (signing) and the key set published at /.well-known/coo-keys.json, loaded once. */
export function createQrKeySource(settings: CertificateSettings['qrKey']) {
  let loading: Promise<{ key: QrSigningKey; jwks: JSONWebKeySet }> | undefined;
  const load = async () => {
    const pem = settings.pem ?? (await readPemOrCreate(settings.file, settings.generateIfMissing));
    const key = await loadQrSigningKey(pem, settings.kid);
    const retired: JWK[] = [];
    if (settings.retiredKeysFile) {
      const set = JSON.parse(await readFile(settings.retiredKeysFile, 'utf8')) as { keys?: unknown };
      if (!Array.isArray(set.keys)) throw new Error(`QR_RETIRED_KEYS_FILE (${settings.retiredKeysFile}) is not a JSON Web Key Set ({"keys": [...]}).`);
      for (const k of set.keys as JWK[]) {
        if (k.kty !== 'EC' || k.crv !== 'P-256' || !k.kid || 'd' in k) throw new Error(`QR_RETIRED_KEYS_FILE: every key must be a public EC P-256 key with a kid.`);
        if (k.kid !== key.kid) retired.push({ kty: k.kty, crv: k.crv, x: k.x, y: k.y, kid: k.kid, alg: 'ES256', use: 'sig' } as JWK);
      }
    }
    return { key, jwks: publicJwks([key, ...retired]) };
  };
  const get = () => {
    loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    return loading;
  };
  return {
    key: async () => (await get()).key,
    jwks: async () => (await get()).jwks,
  };
}

// ---- the renderer ----

export interface ApplicationCertificateRendererDeps {
  em: () => EntityManager;
  reference: () => Promise<ReferenceIndex>;
  settings: CertificateSettings;
  /** read at every render (tests learn the API's address after start-up) */
  publicBaseUrl: () => string;
  /** printed in the signature's contact information */
  contactInfo?: string;
}

/** Permanent problems (no layout for the agreement, an incomplete application) are not retried. */
function permanent(e: unknown): unknown {
  if (e instanceof AppError && e.code === ErrorCode.ValidationFailed) {
    return ApplicationFailure.create({ message: e.message, type: e.code, nonRetryable: true, details: [{ problems: e.problems ?? [] }] });
  }
  return e;
}

export function createApplicationCertificateRenderer(deps: ApplicationCertificateRendererDeps): CertificateRenderer {
  const eseals = createEsealSource(deps.settings.eseal);
  const images = createCertificateImageSource(deps.settings.imagesDir);
  const qr = createQrKeySource(deps.settings.qrKey);

  /** The certificate's document (frozen at first render) and everything drawn around it but the signature. */
  async function sources(certificateNumber: string) {
    const em = deps.em();
    const row = await em.findOneOrFail(CertificateRow, { number: certificateNumber });
    const stored = row.document as unknown as StoredCertificateDocument;
    let doc: CertificateDocument;
    let agencyName: string;
    let officeCity: string;
    try {
      doc = stored.certificate ?? buildCertificateDocument(await loadCertificateSources(em, await deps.reference(), row));
      resolveAgreementForm(doc.agreement);
      assertCertificateDocument(doc);
      const ref = await deps.reference();
      agencyName = (ref.agency(row.agencyCode)?.name ?? doc.certification.agencyName).replace(/\s*\([^)]*\)\s*$/, '');
      officeCity = ref.office(row.officeCode)?.address.city ?? doc.certification.place;
    } catch (e) {
      throw permanent(e);
    }
    const [pictures, qrKey] = await Promise.all([
      images.imagesFor({ officeCode: row.officeCode, officerId: row.issuedBy, officerName: doc.certification.officerName, stamp: { agency: agencyName, office: officeCity, short: row.agencyCode } }),
      qr.key(),
    ]);
    const issuer = { images: pictures, qrKey, publicBaseUrl: deps.publicBaseUrl(), ...(deps.contactInfo ? { contactInfo: deps.contactInfo } : {}) };
    return { em, row, doc, issuer };
  }

  /** Freezes what was signed, and by whom, into the record (once: a signed certificate never changes). */
  async function freeze(em: EntityManager, certificateNumber: string, doc: CertificateDocument, signedBy: Pick<SignerIdentity, 'commonName' | 'serialNumber' | 'organization'>, signedAt: Date, pageCount: number) {
    const { commonName, serialNumber, organization } = signedBy;
    const frozen: Pick<StoredCertificateDocument, 'certificate' | 'signature'> = {
      certificate: doc,
      signature: { commonName, serialNumber, ...(organization ? { organization } : {}), signedAt: signedAt.toISOString(), pageCount },
    };
    await em
      .getConnection()
      .execute(`update certificate set document = document || ?::jsonb where number = ? and pdf_sha256 is null`, [JSON.stringify(frozen), certificateNumber]);
  }

  return {
    async render({ certificateNumber }) {
      const { em, row, doc, issuer } = await sources(certificateNumber);
      const signer = await eseals.signerFor(row.officeCode);
      // the time of the certificate record: a retry signs with the same time
      const issued = await issueCertificatePdf(doc, { ...issuer, signer }, row.issuedAt, { linkToken: row.verificationToken });
      await freeze(em, certificateNumber, doc, issued.signedBy, issued.signedAt, issued.pageCount);
      return { pdf: issued.pdf, sha256: issued.sha256 };
    },

    async prepareForOfficer({ certificateNumber }) {
      const { em, row, doc, issuer } = await sources(certificateNumber);
      if (row.signingContentSha256) return { contentSha256: row.signingContentSha256 };
      const prepared = await prepareCertificatePdf(doc, issuer, row.issuedAt, { linkToken: row.verificationToken });
      await em
        .getConnection()
        .execute(`update certificate set prepared_pdf = ?, signing_content_sha256 = ?, document = document || ?::jsonb where number = ? and signing_content_sha256 is null`, [
          prepared.prepared,
          prepared.contentSha256,
          JSON.stringify({ certificate: doc }),
          certificateNumber,
        ]);
      const stored = await em.fork().findOneOrFail(CertificateRow, { number: certificateNumber });
      return { contentSha256: stored.signingContentSha256! };
    },

    async completeWithOfficerSignature({ certificateNumber, cmsDer, signer }) {
      const em = deps.em();
      const row = await em.findOneOrFail(CertificateRow, { number: certificateNumber }, { populate: ['preparedPdf'] });
      if (!row.preparedPdf || !row.signingContentSha256) throw new AppError(ErrorCode.Conflict, `Certificate ${certificateNumber} is not waiting for an officer's signature.`);
      const pdf = await embedExternalSignature(Buffer.from(row.preparedPdf as Uint8Array), cmsDer, row.signingContentSha256);
      const doc = (row.document as unknown as StoredCertificateDocument).certificate!;
      const pageCount = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
      await freeze(em, certificateNumber, doc, signer, row.issuedAt, pageCount);
      return { pdf, sha256: createHash('sha256').update(pdf).digest('hex') };
    },
  };
}
