import type { EntityManager } from '@mikro-orm/postgresql';
import { GatewayCredentialRow } from '../../db/entities/index.js';
import { checkGatewayParameters, gatewayScopeKey as scopeKey, lastFour, type CredentialScope, type GatewayParameters } from '../../domain/agency/gateway-parameters.js';
import type { ReferenceSource } from '../../domain/reference/reference-index.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { CodecKeys } from '../../lib/config.js';
import { openSecret, sealSecret, SealedSecretError, type SealedSecret } from '../../lib/sealed-secret.js';
import type { GatewayCredentials } from './gateway.js';

/**
 * The payment gateway parameters of agencies and offices (seed 002 §3.I.iii), set by the agency's
 * administrator: an office's own when it has them, else its agency's. The checksum key is kept encrypted
 * with the platform's keyring (TEMPORAL_CODEC_KEYS, rotation included): an AES-256-GCM payload whose
 * sealed metadata names the row's scope, so a key copied into another agency's row does not decrypt as
 * that agency's. Nothing returns the key but the payment code itself; people see its last four characters.
 */

/** The stored key, opened; a key sealed for another scope is refused as an internal error, with what to do. */
async function openStored(keys: CodecKeys, scope: string, stored: SealedSecret): Promise<string> {
  try {
    return await openSecret(keys, scope, stored);
  } catch (e) {
    if (e instanceof SealedSecretError) throw new AppError(ErrorCode.Internal, `The gateway key of ${scope} cannot be used: ${e.message}.`);
    throw e;
  }
}



export interface GatewayCredentialView {
  scope: string;
  agencyCode: string;
  officeCode: string | null;
  merchantId: string;
  /** the last four characters of the checksum key: the key itself is never shown */
  checksumKeyLast4: string;
  updatedBy: string;
  updatedAt: string;
}

export function credentialView(row: GatewayCredentialRow): GatewayCredentialView {
  return {
    scope: row.scope,
    agencyCode: row.agencyCode,
    officeCode: row.officeCode ?? null,
    merchantId: row.merchantId,
    checksumKeyLast4: row.checksumKeyLast4,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Checks (seed 002: no spaces, no extra characters, not empty; each mistake its own message), encrypts and
 * stores an agency's or an office's gateway parameters in the caller's transaction. Returns the view before
 * (if any) and after, for the audit trail. The caller checks who may.
 */
export async function storeGatewayCredentials(
  tx: EntityManager,
  keys: CodecKeys,
  scope: CredentialScope,
  input: Partial<Record<keyof GatewayParameters, unknown>>,
  actor: string,
): Promise<{ before: GatewayCredentialView | null; after: GatewayCredentialView }> {
  const problems = checkGatewayParameters(input);
  if (problems.length) {
    throw new AppError(ErrorCode.ValidationFailed, `The payment gateway parameters are not accepted: ${problems.map((p) => p.message).join('; ')}.`, {
      problems: problems.map((p) => ({ path: `body/${p.path}`, message: p.message })),
    });
  }
  const { merchantId, checksumKey } = input as GatewayParameters;
  const key = scopeKey(scope);
  const existing = await tx.findOne(GatewayCredentialRow, { scope: key });
  const before = existing ? credentialView(existing) : null;
  const sealed = await sealSecret(keys, key, checksumKey);
  const row =
    existing ??
    tx.create(GatewayCredentialRow, {
      scope: key,
      agencyCode: scope.agencyCode,
      officeCode: scope.officeCode ?? null,
      merchantId,
      checksumKeyEncrypted: sealed,
      checksumKeyLast4: lastFour(checksumKey),
      updatedBy: actor.slice(0, 120),
      updatedAt: new Date(),
    });
  row.merchantId = merchantId;
  row.checksumKeyEncrypted = sealed;
  row.checksumKeyLast4 = lastFour(checksumKey);
  row.updatedBy = actor.slice(0, 120);
  row.updatedAt = new Date();
  await tx.flush();
  return { before, after: credentialView(row) };
}

/**
 * What a payment needs at an office: the office's own parameters, else its agency's. A missing one is a
 * dependency problem the administrator must fix (the payment is retried, not refused for good).
 */
export function createGatewayCredentialSource(deps: { em: () => EntityManager; reference: ReferenceSource; keys: CodecKeys }) {
  return {
    async credentialsFor(officeCode: string): Promise<GatewayCredentials> {
      const office = (await deps.reference({ office: officeCode })).office(officeCode);
      if (!office) throw new AppError(ErrorCode.NotFound, `Office ${officeCode} is not known.`);
      const em = deps.em();
      const rows = await em.find(GatewayCredentialRow, { scope: { $in: [scopeKey({ agencyCode: office.agencyCode, officeCode }), scopeKey({ agencyCode: office.agencyCode })] } });
      const row = rows.find((r) => r.officeCode === officeCode) ?? rows.find((r) => r.officeCode === null);
      if (!row) {
        throw new AppError(
          ErrorCode.DependencyUnavailable,
          `No payment gateway parameters are set for office ${officeCode} or agency ${office.agencyCode}: the agency's administrator sets them (PUT /v1/agencies/${office.agencyCode}/payment-gateway).`,
        );
      }
      return { merchantId: row.merchantId, checksumKey: await openStored(deps.keys, row.scope, row.checksumKeyEncrypted) };
    },
  };
}
export type GatewayCredentialSource = ReturnType<typeof createGatewayCredentialSource>;

/** The sandbox gateway's view (development and tests): a merchant's checksum key by its Merchant ID. */
export async function checksumKeyOfMerchant(em: EntityManager, keys: CodecKeys, merchantId: string): Promise<string | undefined> {
  const row = await em.findOne(GatewayCredentialRow, { merchantId }, { orderBy: { scope: 'asc' } });
  return row ? openStored(keys, row.scope, row.checksumKeyEncrypted) : undefined;
}
