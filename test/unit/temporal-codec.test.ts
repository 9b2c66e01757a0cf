import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError, DEVELOPMENT_CODEC_KEY_ID, loadConfig, type CodecKeys } from '../../lib/config.js';
import { EncryptionCodec, ENCRYPTED_ENCODING, isEncryptedPayload, METADATA_KEY_ID, PayloadCodecError, temporalDataConverter } from '../../lib/temporal-codec.js';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');
const keysOf = (current: string, entries: Record<string, Buffer>): CodecKeys => ({ currentKeyId: current, keys: new Map(Object.entries(entries)), development: false });
const exporter = { name: 'Raj Kumar Sharma', email: 'raj.sharma@rajkumarexports.example', iec: 'AAACR5055K', remarks: 'ship via Nhava Sheva' };
const payloadOf = (v: unknown): Payload => defaultPayloadConverter.toPayload(v);

/** Every other production setting safe (lib/config.ts productionProblems), so only the codec's are in question. */
const SAFE_PRODUCTION = {
  NODE_ENV: 'production',
  REPLY_TOKEN_SECRET: 'x'.repeat(20),
  CAPTCHA_SECRET: 'y'.repeat(20),
  AUTH_DEV_KEYS: 'false',
  AUTH_JWKS_URL: 'https://id.example.gov.in/jwks.json',
  PAYMENT_SANDBOX: 'false',
  PAYMENT_GATEWAY_URL: 'https://pay.example.in',
  ESIGN_PROVIDER: 'none',
  DSC_TRUSTED_CA_FILE: '/secrets/trusted-cas.pem',
};

describe('the payload codec (AES-256-GCM)', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('encrypts a payload whole and gives back the same payload', async () => {
    const codec = new EncryptionCodec(keysOf('k1', { k1 }));
    const original = payloadOf(exporter);
    const [encrypted] = await codec.encode([original]);
    expect(text(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata![METADATA_KEY_ID])).toBe('k1');
    // nothing of the value, nor its original encoding, is left in clear text
    const raw = Buffer.from(encrypted!.data!).toString('latin1') + Object.values(encrypted!.metadata!).map(text).join();
    for (const s of [exporter.name, exporter.email, exporter.iec, exporter.remarks, 'json/plain']) expect(raw).not.toContain(s);
    const [decoded] = await codec.decode([encrypted!]);
    expect(text(decoded!.metadata!.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(exporter);
  });

  it('uses a fresh IV for every payload: the same value never encrypts to the same bytes', async () => {
    const codec = new EncryptionCodec(keysOf('k1', { k1 }));
    const [a, b] = await codec.encode([payloadOf(exporter), payloadOf(exporter)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  it('round-trips empty and binary payloads', async () => {
    const codec = new EncryptionCodec(keysOf('k1', { k1 }));
    const binary = randomBytes(5000);
    const originals = [payloadOf(undefined), payloadOf(new Uint8Array(binary)), payloadOf('')];
    const decoded = await codec.decode(await codec.encode(originals));
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([undefined, new Uint8Array(binary), '']);
  });

  it('passes a payload that is not marked encrypted through untouched (histories from before the codec)', async () => {
    const codec = new EncryptionCodec(keysOf('k1', { k1 }));
    const plain = payloadOf(exporter);
    const [out] = await codec.decode([plain]);
    expect(out).toBe(plain);
    expect(isEncryptedPayload(plain)).toBe(false);
  });

  it('decodes what an old key encrypted after the current key changed (rotation)', async () => {
    const before = new EncryptionCodec(keysOf('k1', { k1 }));
    const [old] = await before.encode([payloadOf(exporter)]);
    const after = new EncryptionCodec(keysOf('k2', { k1, k2 }));
    const [fresh] = await after.encode([payloadOf(exporter)]);
    expect(text(fresh!.metadata![METADATA_KEY_ID])).toBe('k2');
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([exporter, exporter]);
  });

  it('names the missing key when a payload was encrypted with a key it does not have', async () => {
    const [p] = await new EncryptionCodec(keysOf('retired', { retired: k1 })).encode([payloadOf(exporter)]);
    const codec = new EncryptionCodec(keysOf('k2', { k2 }));
    const err = await codec.decode([p!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadCodecError);
    expect((err as Error).message).toMatch(/encrypted with key "retired", which is not among TEMPORAL_CODEC_KEYS \(k2\)/);
  });

  it('refuses an altered ciphertext, IV or tag, a swapped key id, and a payload without its key id', async () => {
    const codec = new EncryptionCodec(keysOf('k1', { k1, k2 }));
    const [p] = await codec.encode([payloadOf(exporter)]);
    const data = Buffer.from(p!.data!);
    for (const at of [0, 12, data.length - 20, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[at] = tampered[at]! ^ 0x01;
      await expect(codec.decode([{ ...p!, data: tampered }])).rejects.toThrow(/refused: it fails authentication/);
    }
    // the same bytes presented as encrypted with another key it holds
    await expect(codec.decode([{ metadata: { ...p!.metadata, [METADATA_KEY_ID]: Buffer.from('k2') }, data }])).rejects.toThrow(/key "k2" was refused/);
    await expect(codec.decode([{ ...p!, data: data.subarray(0, 20) }])).rejects.toThrow(/too short/);
    const { [METADATA_KEY_ID]: _dropped, ...noKeyId } = p!.metadata!;
    await expect(codec.decode([{ metadata: noKeyId, data }])).rejects.toThrow(/carries no "encryption-key-id"/);
  });

  it('is the one codec of the data converter built from the configuration', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const a = temporalDataConverter(config.temporal.codec);
    const b = temporalDataConverter(config.temporal.codec);
    expect(a.payloadCodecs).toHaveLength(1);
    expect(a.payloadCodecs![0]).toBe(b.payloadCodecs![0]);
    const [p] = await a.payloadCodecs![0]!.encode([payloadOf(exporter)]);
    expect(text(p!.metadata![METADATA_KEY_ID])).toBe(DEVELOPMENT_CODEC_KEY_ID);
  });
});

describe('the codec keys in the configuration', () => {
  const b64 = (n = 32) => randomBytes(n).toString('base64');
  const problem = (env: NodeJS.ProcessEnv): string => {
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('uses the fixed development key outside production when TEMPORAL_CODEC_KEYS is unset', () => {
    const a = loadConfig({ NODE_ENV: 'development' }).temporal.codec;
    const b = loadConfig({ NODE_ENV: 'test' }).temporal.codec;
    expect(a).toMatchObject({ currentKeyId: 'dev', development: true });
    expect(a.keys.get('dev')!.equals(b.keys.get('dev')!)).toBe(true);
    expect(a.keys.get('dev')).toHaveLength(32);
  });

  it('reads the list of keys and the current one', () => {
    const [one, two] = [b64(), b64()];
    const c = loadConfig({ TEMPORAL_CODEC_KEYS: `2025-01:${one}, 2026-01:${two}`, TEMPORAL_CODEC_KEY_ID: '2026-01' }).temporal.codec;
    expect(c.currentKeyId).toBe('2026-01');
    expect([...c.keys.keys()]).toEqual(['2025-01', '2026-01']);
    expect(c.keys.get('2025-01')!.toString('base64')).toBe(one);
    expect(c.development).toBe(false);
    // a single key is the current one without saying so
    expect(loadConfig({ TEMPORAL_CODEC_KEYS: `only:${one}` }).temporal.codec.currentKeyId).toBe('only');
  });

  it('stops start-up naming the variable, never showing a key', () => {
    const short = b64(16);
    const good = b64();
    const msg = problem({ TEMPORAL_CODEC_KEYS: `a:${good},b:${short}` });
    expect(msg).toContain('TEMPORAL_CODEC_KEYS: the key of entry 2 ("b") is 16 bytes; AES-256 needs 32');
    expect(msg).not.toContain(short);
    expect(msg).not.toContain(good);
    expect(problem({ TEMPORAL_CODEC_KEYS: good })).toContain('TEMPORAL_CODEC_KEYS: entry 1 is not "id:base64key"');
    expect(problem({ TEMPORAL_CODEC_KEYS: 'k:not base64!' })).toContain('TEMPORAL_CODEC_KEYS: the key of entry 1 ("k") is not base64');
    expect(problem({ TEMPORAL_CODEC_KEYS: `k:${good},k:${b64()}` })).toContain('the key id "k" appears twice');
    expect(problem({ TEMPORAL_CODEC_KEYS: `a:${good},b:${b64()}` })).toContain('TEMPORAL_CODEC_KEY_ID: say which of TEMPORAL_CODEC_KEYS (a, b)');
    expect(problem({ TEMPORAL_CODEC_KEYS: `a:${good}`, TEMPORAL_CODEC_KEY_ID: 'z' })).toContain('TEMPORAL_CODEC_KEY_ID: "z" is not among TEMPORAL_CODEC_KEYS (a)');
    expect(problem({ TEMPORAL_CODEC_KEY_ID: 'z' })).toContain('TEMPORAL_CODEC_KEY_ID: "z" is not among TEMPORAL_CODEC_KEYS, which is unset');
  });

  it('needs keys of its own in production', () => {
    const prod = { ...SAFE_PRODUCTION };
    expect(problem(prod)).toContain('TEMPORAL_CODEC_KEYS: set the keys that encrypt Temporal payloads in production');
    const dev = loadConfig({ NODE_ENV: 'test' }).temporal.codec.keys.get('dev')!.toString('base64');
    expect(problem({ ...prod, TEMPORAL_CODEC_KEYS: `mine:${dev}` })).toContain('the current key is the published development key');
    expect(loadConfig({ ...prod, TEMPORAL_CODEC_KEYS: `mine:${b64()}` }).temporal.codec.currentKeyId).toBe('mine');
  });

  it('allows the Web UI origins to call the codec endpoint', () => {
    expect(loadConfig({}).temporal.codecCorsOrigins).toEqual(['http://localhost:8233', 'http://127.0.0.1:8233']);
    expect(loadConfig({ TEMPORAL_UI_URL: 'https://ui.example.gov.in/', TEMPORAL_UI_PORT: '8300' }).temporal.codecCorsOrigins).toEqual([
      'https://ui.example.gov.in',
      'http://localhost:8300',
      'http://127.0.0.1:8300',
    ]);
    expect(loadConfig({ TEMPORAL_CODEC_CORS_ORIGINS: 'https://a.example, https://b.example:8443/' }).temporal.codecCorsOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(problem({ TEMPORAL_CODEC_CORS_ORIGINS: 'https://a.example/ui' })).toContain('TEMPORAL_CODEC_CORS_ORIGINS: https://a.example/ui is not an origin');
  });
});
