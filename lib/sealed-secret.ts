import type { Payload } from '@temporalio/common';
import type { CodecKeys } from './config.js';
import { encryptionCodec } from './temporal-codec.js';

/**
 * A secret kept at rest (a payment gateway's checksum key): an AES-256-GCM payload of the platform's
 * keyring (TEMPORAL_CODEC_KEYS, key ids and rotation included, lib/temporal-codec.ts), stored as JSON. The
 * sealed metadata names what the secret belongs to, so a ciphertext copied to another owner's row does not
 * open as that owner's secret.
 */
export interface SealedSecret {
  metadata: Record<string, string>;
  data: string;
}

const OWNER = 'coo-secret-owner';

export class SealedSecretError extends Error {}

export async function sealSecret(keys: CodecKeys, owner: string, secret: string): Promise<SealedSecret> {
  const [sealed] = await encryptionCodec(keys).encode([{ metadata: { [OWNER]: Buffer.from(owner) }, data: Buffer.from(secret, 'utf8') }]);
  return {
    metadata: Object.fromEntries(Object.entries(sealed!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v as Uint8Array).toString('base64')])),
    data: Buffer.from(sealed!.data ?? new Uint8Array()).toString('base64'),
  };
}

export async function openSecret(keys: CodecKeys, owner: string, stored: SealedSecret): Promise<string> {
  const payload: Payload = {
    metadata: Object.fromEntries(Object.entries(stored.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(stored.data, 'base64'),
  };
  const [plain] = await encryptionCodec(keys).decode([payload]);
  const sealedFor = plain?.metadata?.[OWNER] ? Buffer.from(plain.metadata[OWNER]).toString('utf8') : undefined;
  if (sealedFor !== owner) throw new SealedSecretError(`the secret stored for ${owner} was sealed for ${sealedFor ?? 'nothing'}: set it again`);
  return Buffer.from(plain!.data ?? new Uint8Array()).toString('utf8');
}
