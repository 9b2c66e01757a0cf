/**
 * Personal data out of Temporal's history: every payload a client or worker of the back-office hands to
 * Temporal (workflow inputs and results, activity arguments and results, signals, updates, queries) is
 * encrypted with AES-256-GCM (Node's crypto) before it leaves the process, and decrypted when it comes back.
 *
 * An encrypted payload is `{ metadata: { encoding: "binary/encrypted", "encryption-key-id": <id>,
 * "encryption-cipher": "AES-256-GCM" }, data: iv (12 random bytes) ‖ ciphertext ‖ tag (16 bytes) }`; the
 * ciphertext is the whole original payload (its metadata too) as protobuf, and the key id is bound to it as
 * additional authenticated data. Decoding picks the key named in the payload, so rotating the current key
 * (TEMPORAL_CODEC_KEY_ID) never breaks a history as long as the old keys stay in TEMPORAL_CODEC_KEYS.
 * A payload that is not marked encrypted (every history recorded before the codec) passes through untouched.
 *
 * Failure messages and stack traces are not payloads: the failure converter (temporal-failure-converter.cjs)
 * moves them into one, `encodedAttributes`, which the codec encrypts too; the server shows "Encoded failure".
 *
 * One place builds the data converter: temporalDataConverter(), used by every client, worker and replay; the
 * workflow bundle takes the same failure converter (workers/create-worker.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { METADATA_ENCODING_KEY, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { CodecKeys } from './config.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = proto.temporal.api.common.v1.Payload;

/** A payload this codec cannot decrypt: which one and why, never its content. */
export class PayloadCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadCodecError';
  }
}

const text = (b: Uint8Array | null | undefined): string | undefined => (b ? Buffer.from(b).toString('utf8') : undefined);

export function isEncryptedPayload(p: Payload): boolean {
  return text(p.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: CodecKeys) {
    if (!keys.keys.has(keys.currentKeyId)) throw new PayloadCodecError(`the current key "${keys.currentKeyId}" is not among the codec's keys`);
    for (const [id, key] of keys.keys) if (key.length !== 32) throw new PayloadCodecError(`the key "${id}" is ${key.length} bytes; AES-256 needs 32`);
  }

  get currentKeyId(): string {
    return this.keys.currentKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => (isEncryptedPayload(p) ? this.decrypt(p) : p));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keys.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const plain = ProtoPayload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID]: Buffer.from(keyId),
        [METADATA_CIPHER]: Buffer.from(CIPHER),
      },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
    if (!keyId) throw new PayloadCodecError(`an encrypted payload carries no "${METADATA_KEY_ID}": it cannot be decrypted`);
    const cipherName = text(payload.metadata?.[METADATA_CIPHER]);
    if (cipherName !== undefined && cipherName !== CIPHER) throw new PayloadCodecError(`a payload is encrypted with ${cipherName}; this codec decrypts ${CIPHER} only`);
    const key = this.keys.keys.get(keyId);
    if (!key) {
      throw new PayloadCodecError(
        `a payload is encrypted with key "${keyId}", which is not among TEMPORAL_CODEC_KEYS (${[...this.keys.keys.keys()].join(', ')}): keep every key that encrypted a history still in use`,
      );
    }
    const data = payload.data ? Buffer.from(payload.data) : Buffer.alloc(0);
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadCodecError(`a payload encrypted with key "${keyId}" is too short to be one of this codec's`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadCodecError(`a payload encrypted with key "${keyId}" was refused: it fails authentication (altered, or not encrypted with that key)`);
    }
    return ProtoPayload.decode(plain);
  }
}

const codecs = new WeakMap<CodecKeys, EncryptionCodec>();

/** The codec of a configuration (one instance per configuration). */
export function encryptionCodec(keys: CodecKeys): EncryptionCodec {
  let codec = codecs.get(keys);
  if (!codec) codecs.set(keys, (codec = new EncryptionCodec(keys)));
  return codec;
}

/** The module with the failure converter, for the SDK (by path) and the workflow bundle. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./temporal-failure-converter.cjs', import.meta.url));

/** The data converter of every Temporal client and worker of the back-office (and of the replay tests). */
export function temporalDataConverter(keys: CodecKeys): DataConverter {
  return { payloadCodecs: [encryptionCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
