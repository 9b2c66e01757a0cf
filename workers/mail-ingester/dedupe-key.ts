/**
 * The identity of an inbound message across copies: its Message-ID, or, for a message without one, a
 * hash of its bytes without the trace headers each delivery adds (Received, Delivered-To, Return-Path…),
 * so a second delivery of the same message has the same key.
 */
import { createHash } from 'node:crypto';
import { parseMessageIdList } from '../../channels/email/message-id.js';
import { headerSection } from '../../services/mail/stored-mail.js';

const TRACE_HEADERS = new Set(['received', 'delivered-to', 'x-original-to', 'return-path', 'x-delivered-to', 'envelope-to', 'x-envelope-to', 'dkim-signature', 'arc-seal', 'arc-message-signature', 'arc-authentication-results', 'authentication-results', 'received-spf']);

/** Header fields as [lower-case name, unfolded value], in order. */
export function headerFields(raw: Buffer): [string, string][] {
  const lines = headerSection(raw).toString('latin1').split(/\r?\n/);
  const out: [string, string][] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1]!;
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) out.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return out;
}

export function dedupeKeyOf(raw: Buffer): string {
  const fields = headerFields(raw);
  const messageId = parseMessageIdList(fields.find(([k]) => k === 'message-id')?.[1] ?? null)[0];
  if (messageId) {
    const key = `mid:${messageId}`;
    return key.length <= 300 ? key : `mid-sha256:${createHash('sha256').update(messageId).digest('hex')}`;
  }
  const head = headerSection(raw);
  const hash = createHash('sha256');
  for (const [k, v] of fields) if (!TRACE_HEADERS.has(k)) hash.update(`${k}:${v}\n`);
  hash.update(raw.subarray(head.length));
  return `sha256:${hash.digest('hex')}`;
}
