/**
 * Fully valid applications through the HTTP API, for the demo, the benchmarks and the tests that need one
 * quickly (the workflow tests sign, pay and review them). Defaults: India-Oman CEPA at EIC Mumbai, importer
 * in Oman, two items, a commercial invoice PDF attached; the IEC's branch and director come from its IEC
 * master record.
 */
import crypto from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type {
  Attachments,
  BasicDetails,
  CertificateDetails,
  Declaration,
  ExportProducts,
  ImportDetails,
  Invoice,
  Shipment,
  TabId,
} from '../../domain/application/schemas.js';
import { api, readApiResponse, type ApiResponse, type ApiTarget } from './api-client.js';

export interface CompleteTabs {
  basicDetails: BasicDetails;
  certificateDetails: CertificateDetails;
  exportProducts: ExportProducts;
  importDetails: ImportDetails;
  shipment: Shipment;
  declaration: Declaration;
}

export interface DraftOverrides {
  /** whole tabs to use instead of the defaults */
  tabs?: Partial<CompleteTabs>;
  /** fields merged into the default invoice (e.g. a fixed number or date) */
  invoice?: Partial<Invoice>;
  /** attach the commercial invoice PDF (default true); false attaches a packing list instead, so tab 6 lacks the mandatory invoice */
  commercialInvoice?: boolean;
}

export interface CompleteDraft {
  id: string;
  number: string;
  version: number;
  iec: string;
  tabs: CompleteTabs & { attachments?: Attachments };
  invoiceAttachmentId: string | undefined;
  application: any;
}

interface IecMasterData {
  iec: string;
  firmName: string;
  branches: { branchCode: string; address: { city: string } }[];
  directors: { name: string; designation: string }[];
}

/** The IEC claim of an exporter's token (the helper files for that IEC). */
export function iecOfToken(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iec?: string };
  if (!payload.iec) throw new Error('the token carries no iec claim: use an exporter token');
  return payload.iec;
}

/** The exporter's IEC master record, refreshed through the API (needs a worker) when not yet local. */
export async function ensureIecRecord(target: ApiTarget, token: string, iec = iecOfToken(token)): Promise<IecMasterData> {
  let r = await api(target, 'GET', `/v1/iec-master/${iec}`, { token });
  if (r.status === 404) {
    const refreshed = await api(target, 'POST', `/v1/iec-master/${iec}/refresh`, { token });
    if (refreshed.status !== 200) throw new Error(`refreshing IEC ${iec} failed: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
    r = await api(target, 'GET', `/v1/iec-master/${iec}`, { token });
  }
  if (r.status !== 200) throw new Error(`IEC ${iec}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data as IecMasterData;
}

/** An invoice number no other test has used: letters, digits and / - only, at most 30 characters. */
export function uniqueInvoiceNumber(prefix = 'EXP'): string {
  return `${prefix}/26-27/${crypto.randomInt(10 ** 9).toString().padStart(9, '0')}`;
}

/** A valid application for the IEC (IOCEPA, EIC Mumbai, importer in Sohar, Oman). */
export function defaultTabs(iec: IecMasterData, invoice: Partial<Invoice> = {}): CompleteTabs {
  const branch = iec.branches[0]!;
  const director = iec.directors[0]!;
  return {
    basicDetails: { iecBranchCode: branch.branchCode, deliveryRequested: false, disclaimerAccepted: true },
    certificateDetails: {
      certificateType: 'preferential',
      requestTiming: 'before_shipment',
      agreementCode: 'IOCEPA',
      agencyCode: 'EIC',
      officeCode: 'EIC-MUM',
      importer: {
        name: 'Al Batinah Home Trading LLC',
        address: 'PO Box 118, Postal Code 311, Sohar Industrial Estate, Sohar',
        country: 'OM',
      },
      invoice: {
        number: uniqueInvoiceNumber(),
        date: '2026-08-10',
        currency: 'USD',
        valueInCurrency: 12500,
        valueUsd: 12500,
        valueInr: 1051250,
        exchangeRateToInr: 84.1,
        exchangeRateToUsd: 1,
        thirdCountryInvoicing: false,
        ...invoice,
      },
    },
    exportProducts: {
      items: [
        {
          itemNo: 1,
          itcHsCode: '63023100',
          hsCode: '6302',
          description: 'Bed linen of cotton, printed, in sets (double bedsheet with two pillow covers)',
          quantity: 1500,
          unit: 'SET',
          valueInCurrency: 7500,
          valueUsd: 7500,
          valueInr: 630750,
          marksAndNumbers: 'RKE/SOH/1-60',
          packages: '60 corrugated cartons',
        },
        {
          itemNo: 2,
          itcHsCode: '73239310',
          hsCode: '7323',
          description: 'Stainless steel kitchen utensils (tumblers and serving bowls)',
          quantity: 2000,
          unit: 'PCS',
          valueInCurrency: 5000,
          valueUsd: 5000,
          valueInr: 420500,
          marksAndNumbers: 'RKE/SOH/61-100',
          packages: '40 wooden crates',
        },
      ],
    },
    importDetails: {
      items: [
        {
          itemNo: 1,
          usesImportedOrUndeterminedMaterials: false,
          rawMaterials: [
            {
              hsCode: '52083200',
              description: 'Bleached cotton fabric, plain weave, 200 g/m2',
              quantity: 4500,
              unit: 'MTR',
              unitCifValue: 0.9,
              currency: 'USD',
              totalCifValue: 4050,
              countryOfOrigin: 'IN',
              billOfEntryOrInvoiceNo: 'AMT/2026/4471',
              billOfEntryOrInvoiceDate: '2026-07-01',
              supplierNameAndAddress: 'Arvind Mills Textiles, Naroda Road, Ahmedabad, Gujarat',
            },
          ],
          preferenceCriterion: 'PE',
          preferenceCriterionValuePercent: 0,
        },
        {
          itemNo: 2,
          usesImportedOrUndeterminedMaterials: true,
          rawMaterials: [
            {
              hsCode: '72199000',
              description: 'Cold-rolled stainless steel sheets, grade 304',
              quantity: 1200,
              unit: 'KGS',
              unitCifValue: 2.4,
              currency: 'USD',
              totalCifValue: 2880,
              countryOfOrigin: 'KR',
              billOfEntryOrInvoiceNo: '8812345',
              billOfEntryOrInvoiceDate: '2026-06-15',
              supplierNameAndAddress: 'POSCO International, 165 Convensia-daero, Incheon',
            },
          ],
          preferenceCriterion: 'VA',
          preferenceCriterionValuePercent: 42.5,
        },
      ],
    },
    shipment: {
      modeOfTransport: 'sea',
      shipmentDocumentType: 'bill_of_lading',
      shipmentDocumentNumber: 'MSCUJN2608123',
      shipmentDate: '2026-08-20',
      portOfShipment: 'INNSA1 - JAWAHARLAL NEHRU, NHAVA SHEVA',
      portOfDischarge: 'Sohar',
      route: 'By sea from Nhava Sheva (Jawaharlal Nehru) to Sohar',
    },
    declaration: { place: branch.address.city, name: director.name, designation: director.designation, accepted: true },
  };
}

/** A one-page commercial invoice PDF (real PDF bytes, detected as PDF by content). */
export async function invoicePdf(invoiceNumber = 'EXP/26-27/000000001', pad = 0): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('COMMERCIAL INVOICE', { x: 50, y: 780, size: 18, font });
  page.drawText(`Invoice ${invoiceNumber}`, { x: 50, y: 750, size: 12, font });
  if (pad > 0) doc.setSubject('x'.repeat(pad));
  return doc.save();
}

/** Uploads raw bytes as a tab 6 attachment. */
export async function uploadAttachment(
  target: ApiTarget,
  token: string,
  id: string,
  bytes: Uint8Array,
  opts: { documentType: string; fileName: string; attest?: boolean; contentType?: string; headers?: Record<string, string> },
): Promise<ApiResponse> {
  const qs = new URLSearchParams({ documentType: opts.documentType, fileName: opts.fileName, attest: String(opts.attest ?? false) });
  const res = await fetch(`${target.baseUrl}/v1/applications/${id}/attachments?${qs}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': opts.contentType ?? 'application/octet-stream', ...opts.headers },
    body: Buffer.from(bytes),
  });
  return readApiResponse(res);
}

const TAB_ORDER: (keyof CompleteTabs)[] = ['basicDetails', 'certificateDetails', 'exportProducts', 'importDetails', 'shipment'];

/** Saves a tab and fails loudly with the API's problems if it is refused. */
export async function saveTabOrThrow(target: ApiTarget, token: string, id: string, tab: TabId, body: unknown): Promise<any> {
  const r = await api(target, 'PUT', `/v1/applications/${id}/tabs/${tab}`, { token, body });
  if (r.status !== 200) throw new Error(`saving ${tab} of ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Creates a draft of the token's IEC with every tab saved and (by default) the commercial invoice
 * attached; GET /v1/applications/{id}/validation answers valid for it.
 */
export async function createCompleteDraft(target: ApiTarget, token: string, overrides: DraftOverrides = {}): Promise<CompleteDraft> {
  const iec = await ensureIecRecord(target, token);
  const tabs = { ...defaultTabs(iec, overrides.invoice), ...overrides.tabs };
  const created = await api(target, 'POST', '/v1/applications', { token });
  if (created.status !== 201) throw new Error(`creating a draft: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  let application: any = created.body;
  for (const tab of TAB_ORDER) application = (await saveTabOrThrow(target, token, id, tab, tabs[tab])).application;
  const withInvoice = overrides.commercialInvoice !== false;
  const up = await uploadAttachment(target, token, id, await invoicePdf(tabs.certificateDetails.invoice.number), {
    documentType: withInvoice ? 'commercial_invoice' : 'packing_list',
    fileName: withInvoice ? 'commercial-invoice.pdf' : 'packing-list.pdf',
    contentType: 'application/pdf',
  });
  if (up.status !== 201) throw new Error(`uploading a file: ${up.status} ${JSON.stringify(up.body)}`);
  const invoiceAttachmentId: string | undefined = withInvoice ? up.body.attachment.id : undefined;
  application = up.body.application;
  application = (await saveTabOrThrow(target, token, id, 'declaration', tabs.declaration)).application;
  return {
    id,
    number: application.number,
    version: application.version,
    iec: application.iec,
    tabs: { ...tabs, attachments: application.tabs.attachments },
    invoiceAttachmentId,
    application,
  };
}
