/**
 * A minimal DER reader that keeps byte offsets, so signed structures (tbsCertificate, CMS signed
 * attributes) can be verified over their exact original bytes rather than a re-encoding.
 */

export interface Tlv {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  /** Tag number (low-tag-number form only, which covers X.509 and CMS). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  valueStart: number;
  /** Offset just past the last content octet. */
  end: number;
  buf: Uint8Array;
}

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const Tag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

export function readTlv(buf: Uint8Array, offset = 0, limit = buf.length): Tlv {
  if (offset >= limit) throw new DerError('unexpected end of data');
  const id = buf[offset]!;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  const tag = id & 0x1f;
  if (tag === 0x1f) throw new DerError('high tag numbers are not supported');
  let p = offset + 1;
  if (p >= limit) throw new DerError('unexpected end of data');
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite lengths are not DER');
    if (n > 4) throw new DerError('length too large');
    len = 0;
    for (let i = 0; i < n; i++) {
      if (p >= limit) throw new DerError('unexpected end of data');
      len = len * 256 + buf[p++]!;
    }
  }
  const end = p + len;
  if (end > limit) throw new DerError('length runs past the end of the data');
  return { cls, constructed, tag, start: offset, valueStart: p, end, buf };
}

export function children(t: Tlv): Tlv[] {
  if (!t.constructed) throw new DerError('not a constructed value');
  const out: Tlv[] = [];
  let p = t.valueStart;
  while (p < t.end) {
    const c = readTlv(t.buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function bytesOf(t: Tlv): Uint8Array {
  return t.buf.subarray(t.start, t.end);
}

export function valueOf(t: Tlv): Uint8Array {
  return t.buf.subarray(t.valueStart, t.end);
}

export function isUniversal(t: Tlv, tag: number): boolean {
  return t.cls === 0 && t.tag === tag;
}

export function isContext(t: Tlv, tag: number): boolean {
  return t.cls === 2 && t.tag === tag;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || !isUniversal(t, tag)) throw new DerError(`expected ${what}`);
  return t;
}

export function decodeOid(t: Tlv): string {
  const v = valueOf(expect(t, Tag.OID, 'an object identifier'));
  if (v.length === 0) throw new DerError('empty object identifier');
  // BigInt: UUID-derived arcs (2.25.<128-bit>) exceed Number precision
  const parts: bigint[] = [];
  let acc = 0n;
  for (const b of v) {
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(acc);
      acc = 0n;
    }
  }
  const first = parts.shift() ?? 0n;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...parts].join('.');
}

export function encodeOid(oid: string): Uint8Array {
  const nums = oid.split('.').map((s) => BigInt(s));
  if (nums.length < 2) throw new DerError(`bad OID ${oid}`);
  const arcs = [nums[0]! * 40n + nums[1]!, ...nums.slice(2)];
  const body: number[] = [];
  for (const arc of arcs) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    body.push(...chunk);
  }
  return Uint8Array.from(body);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Decodes the directory-string types used in names and attributes. */
export function decodeString(t: Tlv): string {
  const v = Buffer.from(valueOf(t));
  if (t.cls !== 0) throw new DerError('expected a string');
  switch (t.tag) {
    case Tag.UTF8_STRING:
      return v.toString('utf8');
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
      return v.toString('ascii');
    case Tag.T61_STRING:
      return v.toString('latin1');
    case Tag.BMP_STRING: {
      const swapped = Buffer.from(v);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case Tag.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < v.length; i += 4) s += String.fromCodePoint(v.readUInt32BE(i));
      return s;
    }
    default:
      throw new DerError(`unsupported string type ${t.tag}`);
  }
}

export function decodeTime(t: Tlv): Date {
  const s = Buffer.from(valueOf(t)).toString('ascii');
  let m: RegExpMatchArray | null;
  if (isUniversal(t, Tag.UTC_TIME) && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy >= 50 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  if (isUniversal(t, Tag.GENERALIZED_TIME) && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new DerError(`unsupported time ${s}`);
}

// --- encoding (for building CMS structures) ---

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes one TLV: `id` is the full identifier octet (e.g. 0x30 SEQUENCE, 0xa0 [0] constructed). */
export function tlv(id: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Buffer.concat([Uint8Array.of(id), encodeLength(body.length), body]);
}

export const der = {
  seq: (...c: Uint8Array[]) => tlv(0x30, ...c),
  /** SET OF with DER ordering (elements sorted by their encodings). */
  setOf: (...c: Uint8Array[]) => tlv(0x31, ...[...c].sort((a, b) => Buffer.compare(a, b))),
  oid: (oid: string) => tlv(0x06, encodeOid(oid)),
  int: (n: number) => tlv(0x02, Uint8Array.of(n)),
  intBytes: (b: Uint8Array) => tlv(0x02, b),
  nul: () => Uint8Array.of(0x05, 0x00),
  octets: (b: Uint8Array) => tlv(0x04, b),
  utf8: (s: string) => tlv(0x0c, Buffer.from(s, 'utf8')),
  utcTime: (d: Date) => {
    const p = (n: number) => String(n).padStart(2, '0');
    const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
    return tlv(0x17, Buffer.from(s, 'ascii'));
  },
  ctx: (n: number, ...c: Uint8Array[]) => tlv(0xa0 | n, ...c),
};
