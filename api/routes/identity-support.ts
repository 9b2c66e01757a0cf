import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { Principal } from '../../lib/auth/roles.js';
import { resolveActor, type Actor, type ResolveOptions } from '../../services/identity/actors.js';
import { identitySetupFromConfig, type IdentitySetupSource } from '../../services/identity/identity-setup.js';
import type { ApiDeps } from '../deps.js';

/** Shared by the exporter, identity and signature routes. */

const setups = new WeakMap<ApiDeps, IdentitySetupSource>();

/** One identity setup per API instance: the eSign provider's transactions live in it between start and OTP. */
export function identitySetupFor(deps: ApiDeps): IdentitySetupSource {
  let s = setups.get(deps);
  if (!s) {
    s = identitySetupFromConfig(deps.config.identity, { helpdeskAddress: deps.config.mail.helpdeskAddress, logger: deps.logger });
    setups.set(deps, s);
  }
  return s;
}

export async function actorOf(em: EntityManager, principal: Principal | undefined, opts?: ResolveOptions): Promise<Actor> {
  if (!principal) throw new AppError(ErrorCode.Unauthorized, 'Sign in first.');
  return resolveActor(em, principal, opts);
}

export { appErrorFromFailure } from '../../lib/workflow-failure.js';

export const iecSchema = z.string().regex(/^[A-Z0-9]{10}$/, 'An IEC is 10 capital letters and digits, e.g. AAACR5055K.').describe('Importer-Exporter Code');
export const uuidSchema = z.uuid('Not a valid identifier (a UUID is expected).');
export const userIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/, 'A user id is letters, digits, dots, hyphens and underscores, e.g. AAACR5055K-1 or officer-eic-mum.')
  .describe('User id: the single-sign-on subject (exporter users `<IEC>-<n>`, staff e.g. `officer-eic-mum`)');
export const base64Schema = (what: string) =>
  z
    .string()
    .min(16, `${what} is too short`)
    .max(1_000_000, `${what} is too long`)
    .refine((s) => /^[A-Za-z0-9+/=\s_-]+$/.test(s) || s.includes('-----BEGIN'), `${what} must be base64 (or PEM)`);

export const differenceSchema = z.object({ kind: z.string(), description: z.string(), certificateText: z.string(), profileText: z.string() });
export const identityStateSchema = z.object({
  frozen: z.boolean(),
  frozenAt: z.string().nullable(),
  reason: z.string().nullable(),
  explanation: z.string().nullable(),
  differences: z.array(differenceSchema),
  profileName: z.string().nullable(),
  certificateName: z.string().nullable(),
  freezeCount: z.number(),
  lastUnfrozen: z.object({ at: z.string(), by: z.string().nullable(), reason: z.string().nullable() }).nullable(),
  acceptedNames: z.array(z.string()),
});
export const dscSchema = z.object({
  id: z.string(),
  userId: z.string(),
  iec: z.string().nullable(),
  subject: z.string(),
  subjectCommonName: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  fingerprintSha256: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  class: z.number().nullable(),
  status: z.string(),
  registeredAt: z.string(),
});
