import { z } from 'zod';
import { ROLES } from '../../lib/auth/roles.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { COUNTRIES } from '../../domain/reference/countries.js';
import { CURRENCIES } from '../../domain/reference/currencies.js';
import { UNIT_NAMES, UNITS_OF_QUANTITY } from '../../domain/reference/units.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import type { IssuingAgency, RegionalOffice, TradeAgreement } from '../../domain/reference/types.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

const code = (what: string, example: string) =>
  z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, `${what} codes are 2-10 capital letters or digits, e.g. ${example}`).describe(`${what} code, e.g. ${example}`);

const criterion = z.object({
  code: z.string(),
  label: z.string(),
  valueRequired: z.boolean().describe('a percentage must be given with this criterion'),
  minimumPercent: z.number().optional(),
  excludesImportedMaterials: z.boolean(),
});
const agreementSchema = z.object({
  code: z.string(),
  title: z.string(),
  fullTitle: z.string(),
  preferential: z.boolean(),
  partnerCountries: z.array(z.object({ code: z.string(), name: z.string() })).describe('countries an importer may be in; empty: any country'),
  certificateForm: z.string(),
  effectiveFrom: z.string().describe('goods invoiced before this date cannot be certified under the agreement'),
  active: z.boolean(),
  originCriteria: z.array(criterion),
});
const agencySchema = z.object({ code: z.string(), name: z.string(), notifiedAgreements: z.array(z.string()) });
const officeSchema = z.object({
  code: z.string(),
  agencyCode: z.string(),
  name: z.string(),
  city: z.string(),
  state: z.string(),
  email: z.string(),
  phone: z.string(),
});
const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

function agreementView(a: TradeAgreement): z.infer<typeof agreementSchema> {
  return {
    code: a.code,
    title: a.title,
    fullTitle: a.fullTitle,
    preferential: a.preferential,
    partnerCountries: a.partnerCountries.map((c) => ({ code: c, name: COUNTRIES.get(c) ?? c })),
    certificateForm: a.certificateForm,
    effectiveFrom: a.effectiveFrom,
    active: a.active,
    originCriteria: a.originCriteria.map((c) => ({
      code: c.code,
      label: c.label,
      valueRequired: c.valueRequired,
      ...(c.minimumPercent === undefined ? {} : { minimumPercent: c.minimumPercent }),
      excludesImportedMaterials: c.excludesImportedMaterials,
    })),
  };
}
const agencyView = (a: IssuingAgency) => ({ code: a.code, name: a.name, notifiedAgreements: a.notifiedAgreements });
const officeView = (o: RegionalOffice) => ({ code: o.code, agencyCode: o.agencyCode, name: o.name, city: o.address.city, state: o.state, email: o.email, phone: o.phone });

function agreementOr404(ref: ReferenceIndex, c: string): TradeAgreement {
  const a = ref.agreement(c);
  if (!a) {
    const known = ref.data.tradeAgreements.filter((x) => x.active).map((x) => x.code);
    throw new AppError(ErrorCode.NotFound, `Trade agreement ${c} is not known; the agreements are ${known.join(', ')}.`);
  }
  return a;
}

/** Look-ups for the application form: agreement → agencies notified for it → that agency's offices. */
export function referenceRoutes(deps: ApiDeps) {
  const ref = () => loadReferenceIndex(deps.orm.em.fork());
  return [
    defineRoute({
      method: 'get',
      path: '/v1/reference/agreements',
      operationId: 'listTradeAgreements',
      summary: 'Trade agreements (schemes) an application can be made under',
      description: 'Active agreements by default, with their partner countries and origin (preference) criteria. `includeInactive=true` adds closed ones (e.g. SAPTA).',
      tags: ['reference'],
      auth: [...ROLES],
      query: z.object({ includeInactive: z.enum(['true', 'false']).default('false').describe('also list agreements closed to new applications') }),
      responses: { 200: { description: 'agreements', schema: listOf(agreementSchema) } },
      handler: async ({ query }) => {
        const r = await ref();
        return { items: r.data.tradeAgreements.filter((a) => a.active || query.includeInactive === 'true').map(agreementView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reference/agreements/:agreementCode/agencies',
      operationId: 'listAgenciesForAgreement',
      summary: 'Issuing agencies notified for a trade agreement',
      tags: ['reference'],
      auth: [...ROLES],
      params: z.object({ agreementCode: code('Trade agreement', 'IOCEPA') }),
      responses: { 200: { description: 'agencies', schema: listOf(agencySchema) }, 404: { description: 'unknown agreement' } },
      handler: async ({ params }) => {
        const r = await ref();
        agreementOr404(r, params.agreementCode);
        return { items: r.agenciesForAgreement(params.agreementCode).map(agencyView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reference/agencies/:agencyCode/offices',
      operationId: 'listAgencyOffices',
      summary: "An issuing agency's offices that take applications",
      description: 'With `agreement`, the agency must be notified for that agreement (the form\'s agreement → agency → office chain).',
      tags: ['reference'],
      auth: [...ROLES],
      params: z.object({ agencyCode: code('Agency', 'EIC') }),
      query: z.object({ agreement: code('Trade agreement', 'IOCEPA').optional() }),
      responses: { 200: { description: 'offices', schema: listOf(officeSchema) }, 404: { description: 'unknown agency' } },
      handler: async ({ params, query }) => {
        const r = await ref();
        const agency = r.agency(params.agencyCode);
        if (!agency) {
          throw new AppError(ErrorCode.NotFound, `Issuing agency ${params.agencyCode} is not known; the agencies are ${r.data.issuingAgencies.map((a) => a.code).join(', ')}.`);
        }
        if (query.agreement !== undefined) {
          const agreement = agreementOr404(r, query.agreement);
          if (!agency.notifiedAgreements.includes(agreement.code)) {
            const notified = r.agenciesForAgreement(agreement.code).map((a) => a.code);
            throw new AppError(
              ErrorCode.ValidationFailed,
              `${agency.name} is not notified to issue certificates under ${agreement.title}; choose one of ${notified.join(', ')}.`,
              { problems: [{ path: 'params/agencyCode', message: `not notified for ${agreement.code}` }] },
            );
          }
        }
        return { items: r.officesOfAgency(agency.code).map(officeView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reference/units',
      operationId: 'listUnitsOfQuantity',
      summary: 'Units of quantity (GST unique quantity codes)',
      tags: ['reference'],
      auth: [...ROLES],
      responses: { 200: { description: 'units', schema: listOf(z.object({ code: z.enum(UNITS_OF_QUANTITY), name: z.string() })) } },
      handler: async () => ({ items: UNITS_OF_QUANTITY.map((u) => ({ code: u, name: UNIT_NAMES[u] })) }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reference/currencies',
      operationId: 'listCurrencies',
      summary: 'Invoice currencies (ISO 4217) with their decimal places',
      tags: ['reference'],
      auth: [...ROLES],
      responses: { 200: { description: 'currencies', schema: listOf(z.object({ code: z.string(), name: z.string(), minorUnits: z.number().int() })) } },
      handler: async () => ({ items: [...CURRENCIES].map(([c, v]) => ({ code: c, name: v.name, minorUnits: v.minorUnits })) }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reference/countries',
      operationId: 'listCountries',
      summary: 'Countries (ISO 3166-1 alpha-2) for importers and origins',
      tags: ['reference'],
      auth: [...ROLES],
      responses: { 200: { description: 'countries', schema: listOf(z.object({ code: z.string(), name: z.string() })) } },
      handler: async () => ({ items: [...COUNTRIES].map(([c, name]) => ({ code: c, name })) }),
    }),
  ];
}
