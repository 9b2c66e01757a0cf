import { z } from 'zod';
import { AddressSchema } from '../../domain/reference/schema.js';
import { addOffice, editOffice, listOffices, managerOf, setGatewayParameters } from '../../services/agency/offices.js';
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

export function agencyOfficeRoutes(deps: ApiDeps) {
  const em = () => deps.orm.em.fork();
  const keys = () => deps.config.temporal.codec;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/agencies/:agency/offices',
      operationId: 'listAgencyOffices',
      summary: "The agency's offices with their e-wallet, signing mode and payment gateway parameters (key's last four characters only)",
      tags: ['agency administration'],
      auth: ['agency-admin', 'admin'],
      params: agencyParam,
      responses: { 200: { description: 'the offices', schema: z.object({ items: z.array(officeView) }) }, 403: { description: 'another agency' }, 404: { description: 'no such agency' } },
      handler: async ({ params, principal }) => ({ items: await listOffices(em(), managerOf(principal!), params.agency) }),
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
        const view = await addOffice(em(), managerOf(principal!), params.agency, body);
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
      handler: async ({ params, body, principal }) => editOffice(em(), managerOf(principal!), params.code, body),
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
      handler: async ({ params, body, principal }) => setGatewayParameters(em(), keys(), managerOf(principal!), { agencyCode: params.agency }, body),
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
      handler: async ({ params, body, principal }) => setGatewayParameters(em(), keys(), managerOf(principal!), { agencyCode: '', officeCode: params.code }, body),
    }),
  ];
}
