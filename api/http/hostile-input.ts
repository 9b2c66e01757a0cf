import type { RequestHandler } from 'express';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';

/**
 * Input that no route can use is refused at the edge with a 400 naming where it is, before it reaches a
 * route, a workflow or PostgreSQL (which refuses NUL characters in text): a path segment that is not valid
 * percent-encoding, a NUL character anywhere in the path, the query or a JSON body, and a JSON body nested
 * deeper than MAX_BODY_DEPTH (code that walks a document recursively, such as the canonical form of a
 * document to sign, would run out of stack on it).
 */
function refuse(problems: FieldProblem[]): never {
  throw new AppError(ErrorCode.ValidationFailed, `The request is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { status: 400, problems });
}

const shown = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** Every string (and key) holding a NUL character, with its path: `body/items/0/description`. */
export function nulCharacterPaths(value: unknown, path: string, found: string[] = [], depth = 0): string[] {
  if (found.length >= 10 || depth > 64) return found;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulCharacterPaths(v, `${path}/${i}`, found, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) found.push(`${path}/${k.split('\u0000').join('\\0')}`);
      else nulCharacterPaths(v, `${path}/${k}`, found, depth + 1);
    }
  }
  return found;
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2); the API's server leaves the check to this middleware
 * (api/http/client-error.ts createApiServer) so the refusal is problem+json like every other.
 */
export const requireHostHeader: RequestHandler = (req, _res, next) => {
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && !req.headers.host) {
    refuse([{ path: 'headers/host', message: 'an HTTP/1.1 request must carry a Host header' }]);
  }
  next();
};

/** How deep objects and lists may sit inside one another in a JSON body; the API's own documents nest a few levels. */
export const MAX_BODY_DEPTH = 32;

/**
 * The path of the first value nested deeper than `max` levels (`body/document/a/0`), or undefined. Walks
 * without recursion, so that any depth the JSON parser accepted can be measured.
 */
export function tooDeepPath(value: unknown, path: string, max = MAX_BODY_DEPTH): string | undefined {
  const pending: [unknown, string, number][] = [[value, path, 0]];
  while (pending.length > 0) {
    const [v, p, depth] = pending.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return p;
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [k, x] of entries) if (x !== null && typeof x === 'object') pending.push([x, `${p}/${k}`, depth + 1]);
  }
  return undefined;
}

/** Before routing: the path's percent-encoding and NULs in the path and the query. */
export const rejectHostileUrl: RequestHandler = (req, _res, next) => {
  const problems: FieldProblem[] = [];
  const segments = req.path.split('/');
  segments.forEach((segment, i) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      problems.push({ path: `path/${i}`, message: `the path segment ${shown(segment)} is not valid percent-encoding` });
      return;
    }
    if (decoded.includes('\u0000')) problems.push({ path: `path/${i}`, message: 'the path must not contain a NUL character (%00)' });
  });
  for (const p of nulCharacterPaths(req.query, 'query')) problems.push({ path: p, message: 'must not contain a NUL character' });
  if (problems.length) refuse(problems);
  next();
};

/** After the JSON parser: a body nested too deep to handle. */
export const rejectDeepBody: RequestHandler = (req, _res, next) => {
  const path = tooDeepPath(req.body, 'body');
  if (path !== undefined) {
    const shownPath = path.length > 120 ? `${path.slice(0, 120)}…` : path;
    refuse([{ path: shownPath, message: `nested more than ${MAX_BODY_DEPTH} levels deep (objects and lists inside one another)` }]);
  }
  next();
};

/** After the JSON parser: NULs in any string of the body. */
export const rejectNulInBody: RequestHandler = (req, _res, next) => {
  const paths = nulCharacterPaths(req.body, 'body');
  if (paths.length) refuse(paths.map((path) => ({ path, message: 'must not contain a NUL character' })));
  next();
};
