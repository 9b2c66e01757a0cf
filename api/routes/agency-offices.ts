import { z } from 'zod';
import { AddressSchema } from '../../domain/reference/schema.js';
import { addOffice, administratorOnDuty, editOffice, listOffices, setGatewayParameters } from '../../services/agency/offices.js';
import { officeEseal, uploadOfficeEseal } from '../../services/agency/eseals.js';
import { certificateImagePng, certificateImageSpecimen, uploadCertificateImage } from '../../services/agency/images.js';
import type { ImageKind } from '../../services/certificate/image-source.js';
import { IMAGE_LIMITS } from '../../services/pdf/raster-image.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { BodyTooLarge, readRawBody } from '../drafts/raw-body.js';
import { releaseHeldIssuance } from '../http/held-issuance.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

/**
 * Office management by the agency's administrator (seed 002 §3.I.ii–v): offices and the payment gateway
 * parameters. `services/agency/offices.ts` holds the rules; every change is audited.
 */

const agencyParam = z.object({ agency: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'an agency code looks like EIC') });
const officeParam = z.object({ code: z.string().regex(/^[A-Z]{2,10}-[A-Z]{3}$/, 'an office code looks like EIC-MUM') });

const gatewayView = z.object({
  scope: z.string(),
  agencyCode: z.string(),
  officeCode: z.string().nullable(),
  merchantId: z.string(),
  checksumKeyLast4: z.string().describe('the last four characters: the key is never returned'),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
const officeView = z.object({
  code: z.string(),
  agencyCode: z.string(),
  name: z.string(),
  active: z.boolean(),
  fileNumberPrefix: z.string(),
  address: z.object({}).loose(),
  state: z.string(),
  gstStateCode: z.string(),
  gstin: z.string(),
  email: z.string(),
  phone: z.string(),
  eWalletEnabled: z.boolean(),
  certificateSigning: z.enum(['eseal', 'officer-dsc']),
  slackChannel: z.string().nullable(),
  paymentGateway: gatewayView.extend({ inherited: z.boolean().describe("true: the agency's parameters") }).nullable(),
});

const editable = {
  name: z.string().min(1).max(120),
  address: AddressSchema,
  state: z.string().min(1).max(60),
  gstStateCode: z.string().regex(/^[0-9]{2}$/, 'a GST state code is 2 digits'),
  gstin: z.string().length(15, 'a GSTIN has 15 characters'),
  email: z.email(),
  phone: z.string().min(1).max(30),
  certificateSigning: z.enum(['eseal', 'officer-dsc']).describe("who signs the office's certificates: its e-seal, or the approving officer's DSC"),
  eWalletEnabled: z.boolean().describe('seed 002 §3.I.iv: exporters may pay from their e-wallet at this office'),
};
const gatewayBody = z.object({
  merchantId: z.string().max(200).optional().describe('as the payment gateway issued it: no spaces, no extra characters, not empty'),
  checksumKey: z.string().max(500).optional().describe('stored encrypted; never returned (its last four characters are)'),
});

const imageView = z.object({
  kind: z.enum(['stamp', 'signature']),
  owner: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  backgroundRemoved: z.boolean().describe('false when the upload already had a transparent background'),
  sha256: z.string(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
});
const esealView = z.object({
  officeCode: z.string(),
  subject: z.string().describe("the e-seal certificate's subject common name"),
  serialNumber: z.string(),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
});
/** the most an e-seal's .p12 may weigh */
const ESEAL_MAX_BYTES = 100 * 1024;
const staffParam = z.object({ id: z.string().min(1).max(60).regex(/^[A-Za-z0-9._-]+$/, 'a staff id has letters, digits, . _ - only') });

/** Upload, read and specimen routes of one kind of certificate image (the office's stamp, an officer's signature). */
function imageRoutes(deps: ApiDeps, kind: ImageKind) {
  const em = () => deps.orm.em.fork();
  const base = kind === 'stamp' ? '/v1/offices/:code/stamp' : '/v1/staff/:id/signature';
  const params = kind === 'stamp' ? officeParam : staffParam;
  const ownerOf = (p: { code?: string; id?: string }) => (kind === 'stamp' ? p.code! : p.id!);
  const what = kind === 'stamp' ? "the office's stamp" : "the officer's signature";
  const Kind = kind === 'stamp' ? 'Stamp' : 'Signature';
  return [
    defineRoute({
      method: 'put',
      path: base,
      operationId: `upload${Kind}Image`,
      summary: `Upload ${what} (PNG or JPEG; the background is removed automatically)`,
      description:
        `Seed 002 §3.I.v–vii: uploaded once, printed on every certificate ${kind === 'stamp' ? 'of the office' : 'the officer approves'}. ` +
        `The paper background becomes transparent and the image is cropped to the ink; at most ${IMAGE_LIMITS.maxBytes / 1024 / 1024} MB and ${IMAGE_LIMITS.maxPixels / 1e6} megapixels, ` +
        `at least ${IMAGE_LIMITS.minSide} pixels a side after the crop. See how it prints at \`${base.replace(/:(\w+)/, '{$1}')}/specimen.pdf\`.`,
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params,
      rawBody: { contentTypes: ['image/png', 'image/jpeg', 'application/octet-stream'], description: 'The image itself; its type is read from its content' },
      responses: { 200: { description: 'stored', schema: imageView }, 403: { description: 'another agency' }, 404: { description: 'no such office or officer' }, 413: { description: 'too large' }, 422: { description: 'not a PNG or JPEG, too many pixels, empty or too small' } },
      handler: async ({ req, res, params: p, principal }) => {
        let bytes: Buffer;
        try {
          bytes = await readRawBody(req, res, IMAGE_LIMITS.maxBytes);
        } catch (e) {
          if (e instanceof BodyTooLarge) throw new AppError(ErrorCode.AttachmentRejected, `The image is larger than ${IMAGE_LIMITS.maxBytes / 1024 / 1024} MB, the most a stamp or signature can be.`, { status: 413 });
          throw e;
        }
        const stored = await uploadCertificateImage(em(), await administratorOnDuty(em(), principal!), kind, ownerOf(p as { code?: string; id?: string }), bytes);
        // files held in Approved Pending Issuance for want of this image are issued now
        await releaseHeldIssuance(deps, kind, stored.owner);
        return stored;
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}.png`,
      operationId: `get${Kind}Image`,
      summary: `${what[0]!.toUpperCase()}${what.slice(1)} as stored: PNG with a transparent background`,
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params,
      responses: { 200: { description: 'the PNG', schema: z.string().meta({ format: 'binary' }), contentType: 'image/png' }, 404: { description: 'none uploaded yet' } },
      handler: async ({ params: p, principal, res }) => {
        const { png } = await certificateImagePng(em(), await administratorOnDuty(em(), principal!), kind, ownerOf(p as { code?: string; id?: string }));
        res.setHeader('Content-Type', 'image/png');
        res.setHeader('Cache-Control', 'private, no-store');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.status(200).end(png);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/specimen.pdf`,
      operationId: `get${Kind}Specimen`,
      summary: `How ${what} prints: a sample certificate with it in its place, marked SPECIMEN – NOT VALID`,
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params,
      responses: { 200: { description: 'the specimen', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' }, 404: { description: 'none uploaded yet' } },
      handler: async ({ params: p, principal, res }) => {
        const pdf = await certificateImageSpecimen(em(), await administratorOnDuty(em(), principal!), kind, ownerOf(p as { code?: string; id?: string }));
        res.setHeader('Content-Type', 'application/pdf');
        res.setHeader('Cache-Control', 'private, no-store');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.status(200).end(Buffer.from(pdf));
        return undefined;
      },
    }),
  ];
}

export function agencyOfficeRoutes(deps: ApiDeps) {
  const em = () => deps.orm.em.fork();
  const keys = () => deps.config.temporal.codec;
  return [
    ...imageRoutes(deps, 'stamp'),
    ...imageRoutes(deps, 'signature'),
    defineRoute({
      method: 'get',
      path: '/v1/agencies/:agency/offices',
      operationId: 'listAgencyOffices',
      summary: "The agency's offices with their e-wallet, signing mode and payment gateway parameters (key's last four characters only)",
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: agencyParam,
      responses: { 200: { description: 'the offices', schema: z.object({ items: z.array(officeView) }) }, 403: { description: 'another agency' }, 404: { description: 'no such agency' } },
      handler: async ({ params, principal }) => ({ items: await listOffices(em(), await administratorOnDuty(em(), principal!), params.agency) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/agencies/:agency/offices',
      operationId: 'addAgencyOffice',
      summary: 'Add a regional or local office (seed 002 §3.I.ii)',
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: agencyParam,
      body: z.object({
        code: z.string().regex(/^[A-Z]{2,10}-[A-Z]{3}$/, 'an office code looks like EIC-PUN'),
        fileNumberPrefix: z.string().regex(/^[A-Z]{4}$/, 'four capital letters that start the office\'s file numbers, e.g. EIPU'),
        ...editable,
        certificateSigning: editable.certificateSigning.optional(),
      }),
      responses: { 201: { description: 'added', schema: officeView }, 403: { description: 'another agency' }, 409: { description: 'the code or the file number prefix is taken' } },
      handler: async ({ params, body, principal, res }) => {
        const view = await addOffice(em(), await administratorOnDuty(em(), principal!), params.agency, body);
        res.status(201).setHeader('Location', `/v1/offices/${view.code}`);
        return view;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/offices/:code',
      operationId: 'editAgencyOffice',
      summary: 'Edit an office: address, state and GSTIN, contact, e-wallet, signing mode; `active: false` deactivates it',
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: officeParam,
      body: z.object({ ...Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, v.optional()])), active: z.boolean().optional() }).strict(),
      responses: { 200: { description: 'the office now', schema: officeView }, 403: { description: "another agency's office" }, 404: { description: 'no such office' } },
      handler: async ({ params, body, principal }) => editOffice(em(), await administratorOnDuty(em(), principal!), params.code, body),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/offices/:code/eseal',
      operationId: 'uploadOfficeEseal',
      summary: "Upload the office's e-seal (PKCS#12 and its password) that signs its certificates and tax invoices",
      description:
        'Checked before it is kept, each problem refused with its own message: it must be a PKCS#12 (.p12/.pfx) file that opens with the password, ' +
        'hold a private key and its certificate, valid now, with a key usage for signing (digital signature or non-repudiation) if it has one. ' +
        `At most ${ESEAL_MAX_BYTES / 1024} kB. The file and the password are stored encrypted and never returned; the answer shows the certificate's subject, serial number, issuer and validity. ` +
        'It replaces any earlier e-seal of the office (and ESEAL_DIR / ESEAL_P12_BASE64_<OFFICE>) for every certificate signed from now on; files of the office held in Approved Pending Issuance for want of it are issued. Every upload is in the audit trail.',
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: officeParam,
      body: z.object({
        p12Base64: z.string().min(1).max(Math.ceil(ESEAL_MAX_BYTES / 3) * 4 + 2048, `the .p12 file is at most ${ESEAL_MAX_BYTES / 1024} kB`).describe('the .p12 file, base64'),
        password: z.string().max(200).describe('stored encrypted; never returned'),
      }),
      responses: {
        200: { description: 'stored', schema: esealView },
        403: { description: "another agency's office" },
        404: { description: 'no such office' },
        422: { description: 'not a PKCS#12, wrong password, no private key, certificate expired or not yet valid, not for signing' },
      },
      handler: async ({ params, body, principal }) => {
        const stored = await uploadOfficeEseal(em(), keys(), await administratorOnDuty(em(), principal!), params.code, body);
        // files of the office held in Approved Pending Issuance for want of an e-seal are issued now
        await releaseHeldIssuance(deps, 'eseal', stored.officeCode);
        return stored;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/offices/:code/eseal',
      operationId: 'getOfficeEseal',
      summary: "The office's uploaded e-seal: its certificate's subject, serial number, issuer and validity (never the key or the password)",
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: officeParam,
      responses: { 200: { description: 'the e-seal', schema: esealView }, 403: { description: "another agency's office" }, 404: { description: 'no such office, or none uploaded' } },
      handler: async ({ params, principal }) => officeEseal(em(), await administratorOnDuty(em(), principal!), params.code),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/agencies/:agency/payment-gateway',
      operationId: 'setAgencyPaymentGateway',
      summary: "Set the agency's payment gateway parameters (Merchant ID and checksum key; seed 002 §3.I.iii)",
      description:
        'Checked as the trade notice warns: an empty field, a space or a character a Merchant ID / checksum key never has is refused, each with its own message. ' +
        'The checksum key is stored encrypted and never returned: the answer and the lists show its last four characters. Every change is in the audit trail.',
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: agencyParam,
      body: gatewayBody,
      responses: { 200: { description: 'stored', schema: gatewayView }, 403: { description: 'another agency' }, 422: { description: 'the parameters are refused, each problem named' } },
      handler: async ({ params, body, principal }) => setGatewayParameters(em(), keys(), await administratorOnDuty(em(), principal!), { agencyCode: params.agency }, body),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/offices/:code/payment-gateway',
      operationId: 'setOfficePaymentGateway',
      summary: "Set an office's own payment gateway parameters (instead of its agency's)",
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: officeParam,
      body: gatewayBody,
      responses: { 200: { description: 'stored', schema: gatewayView }, 403: { description: "another agency's office" }, 422: { description: 'the parameters are refused, each problem named' } },
      handler: async ({ params, body, principal }) => setGatewayParameters(em(), keys(), await administratorOnDuty(em(), principal!), { agencyCode: '', officeCode: params.code }, body),
    }),
  ];
}
