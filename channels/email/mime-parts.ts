/**
 * Just enough MIME to find and cut the parts of a signed message byte-exactly (mailparser decodes
 * parts and cannot give back their original bytes). Text is handled as latin1 so every byte maps to
 * one character and back.
 */

export interface MimeHeader {
  name: string;
  value: string;
}

export interface MimeEntity {
  /** the header block as it was, without the blank line */
  headerText: string;
  headers: MimeHeader[];
  /** everything after the blank line */
  body: string;
}

/** The message as a latin1 string with every line ending as CRLF (the canonical form signatures cover). */
export function toCanonical(raw: Buffer | string): string {
  const s = typeof raw === 'string' ? Buffer.from(raw, 'utf8').toString('latin1') : raw.toString('latin1');
  return s.replace(/\r\n|\r|\n/g, '\r\n');
}

export function parseEntity(entity: string): MimeEntity {
  const split = entity.indexOf('\r\n\r\n');
  let headerText: string;
  let body: string;
  if (entity.startsWith('\r\n')) {
    headerText = '';
    body = entity.slice(2);
  } else if (split < 0) {
    headerText = entity;
    body = '';
  } else {
    headerText = entity.slice(0, split);
    body = entity.slice(split + 4);
  }
  const headers: MimeHeader[] = [];
  for (const line of headerText.split('\r\n')) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1];
      if (last) last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return { headerText, headers, body };
}

export function headerValue(entity: MimeEntity, name: string): string | null {
  const lower = name.toLowerCase();
  return entity.headers.find((h) => h.name.toLowerCase() === lower)?.value ?? null;
}

export interface ContentType {
  /** lower-case "type/subtype" */
  mediaType: string;
  /** parameter names lower-case, values unquoted */
  params: Record<string, string>;
}

export function parseContentType(value: string | null): ContentType {
  if (!value) return { mediaType: 'text/plain', params: {} };
  const [first, ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[key] = v;
  }
  return { mediaType: (first ?? '').trim().toLowerCase(), params };
}

function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (c === '\\' && quoted) {
      cur += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * The body parts of a multipart body, each exactly as it stands after its delimiter line (the CRLF before a
 * delimiter belongs to the delimiter, RFC 2046 §5.1.1: CRLF "--" boundary, then "--" for the last one,
 * blanks, CRLF or the end), and whether the closing delimiter was found. Without it the last part runs to
 * the end of the body.
 */
export function multipartParts(body: string, boundary: string): { parts: string[]; closed: boolean } {
  const text = `\r\n${body}`;
  const delimiter = `\r\n--${boundary}`;
  const starts: { at: number; contentStart: number; closing: boolean }[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf(delimiter, from);
    if (at < 0) break;
    let i = at + delimiter.length;
    const closing = text.startsWith('--', i);
    if (closing) i += 2;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text.startsWith('\r\n', i) || i >= text.length) {
      starts.push({ at, contentStart: Math.min(text.length, i + 2), closing });
      if (closing) break;
    }
    from = at + delimiter.length;
  }
  const parts: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!;
    if (s.closing) break;
    const next = starts[k + 1];
    parts.push(text.slice(s.contentStart, next ? next.at : text.length));
  }
  return { parts, closed: starts.some((s) => s.closing) };
}

/** The parts that stand between two delimiter lines (an unterminated last part is left out). Null when none. */
export function splitMultipart(body: string, boundary: string): string[] | null {
  const { parts, closed } = multipartParts(body, boundary);
  const complete = closed ? parts : parts.slice(0, -1);
  return complete.length > 0 ? complete : null;
}

/** Decodes a part body by its Content-Transfer-Encoding (base64 or none; quoted-printable is not used for signatures). */
export function decodeBody(entity: MimeEntity): Buffer {
  const cte = (headerValue(entity, 'content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(entity.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  return Buffer.from(entity.body, 'latin1');
}
