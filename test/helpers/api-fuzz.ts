/**
 * The request generator of the HTTP API's fuzz test (test/e2e/api-fuzz.test.ts): a seeded PRNG, strings
 * from the simple regular expressions the OpenAPI document carries, valid-looking JSON from its schemas,
 * and the hostile variants of each part of a request. Pure: nothing here sends a request.
 */
import http from 'node:http';
import net from 'node:net';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** an integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** An independent generator for one part (an operation): its sequence does not depend on the others'. */
  fork(label: string): Rng {
    let h = 2166136261 ^ this.seed;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
    return new Rng(h >>> 0);
  }
  uuid(): string {
    const hex = () => this.int(0, 15).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-4${part(3)}-${this.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
  }
}

// ---- strings from regular expressions (the subset zod's schemas use) ----

type Ranges = [number, number][];
type Gen = (rng: Rng) => string;

const PRINTABLE: Ranges = [[0x20, 0x7e]];
const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0x5f, 0x5f]];
const SPACE: Ranges = [[0x20, 0x20]];
const NOT_SPACE: Ranges = [[0x21, 0x7e]];

function complement(set: Ranges): Ranges {
  const out: Ranges = [];
  for (let c = 0x20; c <= 0x7e; c++) if (!set.some(([lo, hi]) => c >= lo && c <= hi)) out.push([c, c]);
  return out.length ? out : [[0x7e, 0x7e]];
}

function fromRanges(set: Ranges): Gen {
  const total = set.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
  return (rng) => {
    let k = rng.int(0, total - 1);
    for (const [lo, hi] of set) {
      if (k <= hi - lo) return String.fromCharCode(lo + k);
      k -= hi - lo + 1;
    }
    return String.fromCharCode(set[0]![0]);
  };
}

const CLASS_ESCAPES: Record<string, Ranges> = { d: DIGIT, w: WORD, s: SPACE, S: NOT_SPACE, D: complement(DIGIT), W: complement(WORD) };

/** A generator of strings matching `pattern` (anchors, classes, groups, alternation, quantifiers); throws on anything else. */
export function regexGenerator(pattern: string): Gen {
  let i = 0;
  const peek = () => pattern[i];
  const eat = () => pattern[i++]!;

  function alternation(): Gen {
    const alts: Gen[][] = [sequence()];
    while (peek() === '|') {
      i++;
      alts.push(sequence());
    }
    return (rng) => rng.pick(alts).map((g) => g(rng)).join('');
  }
  function sequence(): Gen[] {
    const parts: Gen[] = [];
    while (i < pattern.length && peek() !== '|' && peek() !== ')') {
      const atom = parseAtom();
      parts.push(quantified(atom));
    }
    return parts;
  }
  function quantified(atom: Gen): Gen {
    let min = 1;
    let max = 1;
    const c = peek();
    if (c === '*') [min, max] = [0, 3];
    else if (c === '+') [min, max] = [1, 4];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) throw new Error(`unsupported quantifier in ${pattern}`);
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : min + 4;
      i += m[0].length - 1;
    } else return atom;
    i++;
    if (peek() === '?') i++;
    return (rng) => {
      const n = rng.int(min, max);
      let s = '';
      for (let k = 0; k < n; k++) s += atom(rng);
      return s;
    };
  }
  function parseAtom(): Gen {
    const c = eat();
    if (c === '^' || c === '$') return () => '';
    if (c === '.') return fromRanges(PRINTABLE);
    if (c === '(') {
      if (pattern.startsWith('?:', i)) i += 2;
      else if (peek() === '?') throw new Error(`unsupported group in ${pattern}`);
      const inner = alternation();
      if (eat() !== ')') throw new Error(`unbalanced group in ${pattern}`);
      return inner;
    }
    if (c === '[') return fromRanges(charClass());
    if (c === '\\') {
      const e = eat();
      if (CLASS_ESCAPES[e]) return fromRanges(CLASS_ESCAPES[e]);
      if (e === 'b' || e === 'B') return () => '';
      return () => e;
    }
    return () => c;
  }
  function charClass(): Ranges {
    let negate = false;
    if (peek() === '^') {
      negate = true;
      i++;
    }
    const set: Ranges = [];
    let first = true;
    while (i < pattern.length && (peek() !== ']' || first)) {
      first = false;
      let lo: number;
      const c = eat();
      if (c === '\\') {
        const e = eat();
        if (CLASS_ESCAPES[e]) {
          set.push(...CLASS_ESCAPES[e]);
          continue;
        }
        lo = e.charCodeAt(0);
      } else lo = c.charCodeAt(0);
      if (peek() === '-' && pattern[i + 1] !== ']' && i + 1 < pattern.length) {
        i++;
        let hiChar = eat();
        if (hiChar === '\\') hiChar = eat();
        set.push([lo, hiChar.charCodeAt(0)]);
      } else set.push([lo, lo]);
    }
    if (eat() !== ']') throw new Error(`unterminated class in ${pattern}`);
    return negate ? complement(set) : set;
  }

  const gen = alternation();
  if (i !== pattern.length) throw new Error(`could not read ${pattern} past ${i}`);
  return gen;
}

const generators = new Map<string, Gen | null>();
/** A string matching the pattern, or undefined when the pattern is beyond this generator. */
export function stringMatching(pattern: string, rng: Rng): string | undefined {
  if (!generators.has(pattern)) {
    try {
      generators.set(pattern, regexGenerator(pattern));
    } catch {
      generators.set(pattern, null);
    }
  }
  const gen = generators.get(pattern);
  if (!gen) return undefined;
  const re = new RegExp(pattern);
  for (let attempt = 0; attempt < 5; attempt++) {
    const s = gen(rng);
    if (re.test(s)) return s;
  }
  return undefined;
}

// ---- valid-looking values from JSON Schema (z.toJSONSchema's output) ----

export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  propertyNames?: Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
};

/** Values the test knows are real (a draft's id, the test's IEC), by property name. */
export type KnownValues = (name: string) => readonly string[] | undefined;

export function sampleOf(schema: Schema | boolean | undefined, rng: Rng, known: KnownValues = () => undefined, name = '', depth = 0): unknown {
  if (schema === undefined || schema === true || schema === false) return rng.pick(['x', 1, true]);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return rng.pick(schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const notNull = alternatives.filter((a) => a.type !== 'null');
    return sampleOf(rng.pick(notNull.length ? notNull : alternatives), rng, known, name, depth);
  }
  if (schema.allOf?.[0]) return sampleOf(schema.allOf[0], rng, known, name, depth);
  if (schema.default !== undefined && rng.chance(0.2)) return schema.default;
  const types = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : schema.type ? [schema.type] : [];
  const type = types.length ? rng.pick(types) : schema.properties ? 'object' : schema.items ? 'array' : undefined;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 8) return out;
      const required = new Set(schema.required ?? []);
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || rng.chance(0.6)) out[key] = sampleOf(prop, rng, known, key, depth + 1);
      }
      if (!schema.properties && typeof schema.additionalProperties === 'object') {
        for (let k = rng.int(1, 2); k > 0; k--) {
          const key = (schema.propertyNames?.pattern && stringMatching(schema.propertyNames.pattern, rng)) || `key${k}`;
          out[key] = sampleOf(schema.additionalProperties, rng, known, key, depth + 1);
        }
      }
      return out;
    }
    case 'array': {
      if (depth > 8) return [];
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? min + 3, min + 3);
      return Array.from({ length: rng.int(Math.max(min, max > 0 ? 1 : 0), Math.max(min, max)) }, () => sampleOf(schema.items, rng, known, name, depth + 1));
    }
    case 'string':
      return stringOf(schema, rng, known, name);
    case 'integer':
    case 'number': {
      const integer = type === 'integer';
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 0.5) : 0);
      let max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 0.5) : min + 1000);
      if (max - min > 100_000) max = min + 100_000;
      const v = min + rng.next() * (max - min);
      return integer ? Math.round(v) : Math.round(v * 100) / 100;
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    default:
      return rng.pick(['value', 1, true, { a: 1 }]);
  }
}

function stringOf(schema: Schema, rng: Rng, known: KnownValues, name: string): string {
  const real = known(name);
  if (real?.length && rng.chance(0.7)) return rng.pick(real);
  let s: string | undefined;
  if (schema.pattern) s = stringMatching(schema.pattern, rng);
  if (s === undefined) {
    switch (schema.format) {
      case 'email':
        s = `fuzz.${rng.int(1, 9999)}@example.com`;
        break;
      case 'date':
        s = `2026-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
        break;
      case 'date-time':
        s = new Date(Date.UTC(2026, rng.int(0, 11), rng.int(1, 28), rng.int(0, 23))).toISOString();
        break;
      case 'uuid':
        s = rng.uuid();
        break;
      case 'uri':
      case 'url':
        s = `https://example.com/${rng.int(1, 999)}`;
        break;
      default:
        s = `fuzz ${name || 'text'} ${rng.int(1, 9999)}`;
    }
  }
  if (!schema.pattern) {
    const min = schema.minLength ?? 0;
    const max = schema.maxLength ?? Math.max(min, 40);
    while (s.length < min) s += 'x';
    if (s.length > max) s = s.slice(0, max);
  }
  return s;
}

// ---- the operations of the OpenAPI document ----

export interface Param {
  name: string;
  required: boolean;
  schema: Schema;
}

/** One operation of the API: from the OpenAPI document (api/openapi.ts), or added by a test (Slack's request URLs, pages). */
export interface Operation {
  id: string;
  /** upper case: GET, POST… */
  method: string;
  /** OpenAPI syntax: /v1/applications/{id} */
  template: string;
  /** the roles allowed (the document's `x-roles`), or 'public' (`security: []`) */
  roles: string[] | 'public';
  pathParams: Param[];
  queryParams: Param[];
  jsonBody?: Schema;
  rawBody?: string[];
  /** not in the OpenAPI document: Slack's request URLs and the HTML verification page answer in their own formats */
  problemJson: boolean;
}

/** The parts of an OpenAPI 3.1 document this reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}
export interface OpenApiOperation {
  operationId: string;
  security?: unknown[];
  'x-roles'?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

/** Every operation of the document, with the roles it allows. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const raw = Object.keys(content).filter((ct) => ct !== 'application/json');
      const jsonSchema = content['application/json']?.schema;
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        template,
        roles: Array.isArray(op.security) && op.security.length === 0 ? 'public' : (op['x-roles'] ?? []),
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, required: true, schema: p.schema })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required, schema: p.schema })),
        ...(jsonSchema ? { jsonBody: jsonSchema } : {}),
        ...(raw.length ? { rawBody: raw } : {}),
        problemJson: true,
      });
    }
  }
  return ops;
}

/** The operation's path with each `{name}` replaced by its (already encoded) segment, and the query string. */
export function renderPath(template: string, segments: Record<string, string>, query: [string, string][] = []): string {
  const p = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => segments[name] ?? 'x');
  const q = query.map(([k, v]) => `${k}=${v}`).join('&');
  return q ? `${p}?${q}` : p;
}

// ---- mutating a JSON value ----

export type JsonPath = (string | number)[];

/** Every node's path in a JSON value, the root excluded. */
export function pathsOf(value: unknown, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : value && typeof value === 'object' ? Object.entries(value) : [];
  for (const [k, v] of entries) {
    out.push([...prefix, k]);
    pathsOf(v, [...prefix, k], out);
  }
  return out;
}

export function getAt(value: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
}

/** A copy of `value` with the node at `path` replaced (or removed when `replacement` is REMOVE). */
export const REMOVE = Symbol('remove');
export function withAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = value.slice();
    if (rest.length === 0 && replacement === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = withAt(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === REMOVE) delete copy[head as string];
  else copy[head as string] = withAt(copy[head as string], rest, replacement);
  return copy;
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Values of every JSON type, and strings that break naive parsing of dates, numbers and text. */
export const WRONG_VALUES: readonly unknown[] = [
  0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, true, false, null, '', ' ', 'fuzz', '12', '-0', '1e309', 'NaN', 'true', 'null',
  '2026-13-45', '2026-02-30T25:61:00Z', '0000-00-00', '\ud800', '\udfff\ud800', 'e\u0301', '\u202eevil', '😀'.repeat(20), 'ट'.repeat(50),
  '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '${jndi:x}', '{{7*7}}', 'x'.repeat(5000), [], [1, 'a', null], {}, { a: { b: [1] } },
  JSON.parse('{"__proto__":{"polluted":true}}'), { constructor: { prototype: { polluted: true } } },
];

export function wrongValueFor(original: unknown, rng: Rng): unknown {
  const others = WRONG_VALUES.filter((v) => jsonType(v) !== jsonType(original) || (typeof v === 'string' && typeof original === 'string' && v !== original));
  return rng.pick(others);
}

/** `{"a":{"a":…}}` or `[[…]]`, `depth` levels deep, as JSON text (built without recursion). */
export function deeplyNested(depth: number, kind: 'object' | 'array', leaf = '1'): string {
  return kind === 'object' ? '{"a":'.repeat(depth) + leaf + '}'.repeat(depth) : '['.repeat(depth) + leaf + ']'.repeat(depth);
}

// ---- the wire ----

export interface WireRequest {
  method: string;
  /** as sent: already percent-encoded (or deliberately not) */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type WireOutcome = { kind: 'answer'; response: WireResponse; ms: number } | { kind: 'hang'; ms: number } | { kind: 'error'; error: string; ms: number };

/**
 * One request over node:http (not fetch: the path goes out byte for byte, `..` and malformed
 * percent-encoding included, and any Content-Type or none). A request without an answer within
 * `timeoutMs` is a hang.
 */
export function sendRaw(baseUrl: string, req: WireRequest, opts: { agent: http.Agent; timeoutMs: number }): Promise<WireOutcome> {
  const url = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: WireOutcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const signal = AbortSignal.timeout(opts.timeoutMs);
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(req.body.length);
    let r: http.ClientRequest;
    try {
      r = http.request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: opts.agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 4 * 1024 * 1024) chunks.push(c);
        });
        res.on('end', () => done({ kind: 'answer', response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }, ms: Date.now() - started }));
        res.on('error', (e) => done(signal.aborted ? { kind: 'hang', ms: Date.now() - started } : { kind: 'error', error: String(e), ms: Date.now() - started }));
      });
    } catch (e) {
      done({ kind: 'error', error: `the request could not be made: ${String(e)}`, ms: 0 });
      return;
    }
    r.on('error', (e) => done(signal.aborted ? { kind: 'hang', ms: Date.now() - started } : { kind: 'error', error: String(e), ms: Date.now() - started }));
    if (req.body !== undefined) r.end(req.body);
    else r.end();
  });
}

/** Runs `tasks` with at most `concurrency` at a time, in order of the list. */
export async function runPool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * One request written byte for byte on a new TCP connection (what node:http refuses to send: a space or a
 * byte outside ASCII in the URL, a broken Content-Length, a malformed chunked body, oversized headers), read
 * until the server closes it. Send `Connection: close` in `raw`.
 */
export function sendWire(baseUrl: string, raw: Buffer, timeoutMs: number): Promise<WireOutcome> {
  const url = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(raw));
    const done = (o: WireOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ kind: 'hang', ms: Date.now() - started }), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined); // a reset after the answer: the answer counts
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (all.length === 0 || end < 0) return done({ kind: 'error', error: `the connection closed after ${all.length} bytes without an answer`, ms: Date.now() - started });
      const [statusLine = '', ...lines] = all.subarray(0, end).toString('latin1').split('\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let body: Buffer = Buffer.from(all.subarray(end + 4));
      if (String(headers['transfer-encoding'] ?? '').includes('chunked')) body = dechunk(body);
      done({ kind: 'answer', response: { status: Number(statusLine.split(' ')[1] ?? 0), headers, body }, ms: Date.now() - started });
    });
  });
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
