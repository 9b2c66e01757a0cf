/**
 * Whether a message's MIME structure is whole, read from its own bytes (mailparser repairs what it can
 * and says nothing: a multipart cut off before its closing boundary, or base64 with foreign characters,
 * still gives "attachments" — truncated or shifted bytes that can still start with "%PDF-"). A message
 * with any of these defects is refused as a whole, never half-used:
 *
 * - a multipart without a boundary, without any part, or not closed by its final `--boundary--` line
 *   (a message cut off on the way, or by the sender's program);
 * - a part whose base64 has characters outside the alphabet, padding in the middle, or a length no
 *   base64 encoder produces;
 * - a part with a transfer encoding other than 7bit, 8bit, binary, quoted-printable and base64;
 * - more than MAX_DEPTH levels of nesting or MAX_PARTS parts.
 *
 * Each defect comes with what the sender can do about it, for the answer they get.
 */
import { headerValue, multipartParts, parseContentType, parseEntity, toCanonical } from './mime-parts.js';
import { sanitizeFileName } from '../../domain/application/sanitize-file-name.js';

export interface MimeDefect {
  kind: 'multipart-without-boundary' | 'multipart-without-parts' | 'unterminated-multipart' | 'invalid-base64' | 'unknown-encoding' | 'too-complex' | 'file-name';
  /** what is wrong, in plain words, naming the part */
  problem: string;
  /** what the sender can do about it */
  fix: string;
}

export const MAX_DEPTH = 20;
export const MAX_PARTS = 500;

const ENCODINGS = new Set(['7bit', '8bit', 'binary', 'quoted-printable', 'base64']);

const RESEND =
  'Please send the e-mail again from your mail program as usual (write the text in the body and attach the files); if it happens again, attach the files to a new e-mail, or send them from another mail program.';
const REATTACH = 'Please attach the file again to a new e-mail and send it: the copy that arrived is damaged.';

/** The defects of a message (or of a MIME entity such as the content of an opaque S/MIME signature). */
export function findMimeDefects(raw: Buffer | string): MimeDefect[] {
  const defects: MimeDefect[] = [];
  const state = { parts: 0, tooComplex: false };
  walk(toCanonical(raw), '', 0, defects, state);
  return defects;
}

/** The decoded name of a part ("filename", RFC 2231 "filename*", encoded words in "name"), for messages only. */
function partName(headers: ReturnType<typeof parseEntity>): string | null {
  const disposition = parseContentType(headerValue(headers, 'content-disposition'));
  const type = parseContentType(headerValue(headers, 'content-type'));
  const params = { ...type.params, ...disposition.params };
  const extended = params['filename*'] ?? params['name*'] ?? joinContinuations(params, 'filename') ?? joinContinuations(params, 'name');
  if (extended !== undefined) {
    const m = /^([^']*)'[^']*'(.*)$/.exec(extended);
    try {
      return decodeURIComponent((m ? m[2] : extended) ?? '');
    } catch {
      return m?.[2] ?? extended;
    }
  }
  const plain = params.filename ?? params.name;
  if (plain === undefined) return null;
  return plain.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (all, _charset: string, enc: string, text: string) => {
    try {
      return enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_h, x: string) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8');
    } catch {
      return all;
    }
  });
}

/** RFC 2231 continuations: name*0*=…; name*1=… */
function joinContinuations(params: Record<string, string>, name: string): string | undefined {
  const pieces: string[] = [];
  for (let i = 0; ; i++) {
    const v = params[`${name}*${i}*`] ?? params[`${name}*${i}`];
    if (v === undefined) break;
    pieces.push(v);
  }
  return pieces.length > 0 ? pieces.join('') : undefined;
}

function describe(path: string, mediaType: string, name: string | null): string {
  if (name) return `the attachment "${sanitizeFileName(name)}"`;
  if (path === '') return 'the message';
  return `part ${path} of the message (${mediaType})`;
}

function walk(entity: string, path: string, depth: number, defects: MimeDefect[], state: { parts: number; tooComplex: boolean }): void {
  if (state.tooComplex) return;
  if (++state.parts > MAX_PARTS || depth > MAX_DEPTH) {
    state.tooComplex = true;
    defects.push({
      kind: 'too-complex',
      problem: `The message has more than ${depth > MAX_DEPTH ? `${MAX_DEPTH} levels of parts inside parts` : `${MAX_PARTS} parts`}, more than any ordinary e-mail.`,
      fix: RESEND,
    });
    return;
  }
  const e = parseEntity(entity);
  const type = parseContentType(headerValue(e, 'content-type'));
  const cte = (headerValue(e, 'content-transfer-encoding') ?? '7bit').replace(/\(.*\)/g, '').trim().toLowerCase() || '7bit';
  const what = describe(path, type.mediaType, partName(e));

  if (type.mediaType.startsWith('multipart/')) {
    const boundary = type.params.boundary ?? '';
    if (boundary === '') {
      defects.push({ kind: 'multipart-without-boundary', problem: `${capital(what)} says it has several parts but gives no boundary to tell them apart.`, fix: RESEND });
      return;
    }
    const split = multipartParts(e.body, boundary);
    if (split.parts.length === 0) {
      defects.push({ kind: 'multipart-without-parts', problem: `${capital(what)} says it has several parts but none can be found in it.`, fix: RESEND });
      return;
    }
    if (!split.closed) {
      defects.push({
        kind: 'unterminated-multipart',
        problem: `${capital(what)} ends before its last part is closed: the e-mail was cut off on the way or by the program that sent it, so its files may be incomplete.`,
        fix: RESEND,
      });
    }
    split.parts.forEach((p, i) => walk(p, path === '' ? String(i + 1) : `${path}.${i + 1}`, depth + 1, defects, state));
    return;
  }

  if (!ENCODINGS.has(cte)) {
    defects.push({ kind: 'unknown-encoding', problem: `${capital(what)} uses a transfer encoding ("${cte.slice(0, 40)}") that e-mail does not define, so it cannot be read.`, fix: REATTACH });
    return;
  }
  if (cte === 'base64') {
    const wrong = base64Problem(e.body);
    if (wrong) defects.push({ kind: 'invalid-base64', problem: `${capital(what)} is damaged: its base64 encoding ${wrong}.`, fix: REATTACH });
  }
}

/** Why a base64 body is not valid (line breaks and blanks aside), or null. */
function base64Problem(body: string): string | null {
  const s = body.replace(/[\r\n\t ]+/g, '');
  if (/[^A-Za-z0-9+/=]/.test(s)) return 'contains characters that are not base64';
  if (/=[^=]/.test(s) || /={3,}$/.test(s)) return 'has padding ("=") in the middle';
  if (s.length % 4 === 1 || (s.includes('=') && s.length % 4 !== 0)) return 'is cut off (its length is not possible for base64)';
  return null;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
