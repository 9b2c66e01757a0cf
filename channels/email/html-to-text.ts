/**
 * HTML mail body → plain text, small and dependency-free. Block elements become line breaks, quoted
 * parts (blockquote, Gmail/Thunderbird/Yahoo quote containers) become "> " lines, so the same reply
 * stripping rules serve text and HTML mail. With `forReply`, signature containers are left out and
 * Outlook's reply/forward separators become a marker line that strip-reply treats as "history starts here".
 */

export const HISTORY_MARKER = '\u2063--history--\u2063';

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const SKIP = new Set(['head', 'style', 'script', 'title', 'template', 'noscript', 'svg', 'xml']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section',
  'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul', 'body', 'html',
]);
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'pre']);

const NAMED: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", rsquo: '\u2019', lsquo: '\u2018', ldquo: '\u201c',
  rdquo: '\u201d', ndash: '\u2013', mdash: '\u2014', hellip: '\u2026', copy: '\u00a9', reg: '\u00ae', trade: '\u2122',
  bull: '\u2022', middot: '\u00b7', laquo: '\u00ab', raquo: '\u00bb', times: '\u00d7', deg: '\u00b0', ensp: ' ', emsp: ' ',
  thinsp: ' ', zwnj: '', zwj: '', shy: '', euro: '\u20ac', pound: '\u00a3', yen: '\u00a5', cent: '\u00a2', sect: '\u00a7',
  para: '\u00b6', frac12: '\u00bd', frac14: '\u00bc', frac34: '\u00be', plusmn: '\u00b1',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (m, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED[body.toLowerCase()] ?? m;
  });
}

function parseAttributes(s: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    attrs.set((m[1] ?? '').toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attrs;
}

type Role = 'quote' | 'signature' | 'history' | null;

function roleOf(tag: string, attrs: Map<string, string>): Role {
  const cls = ` ${(attrs.get('class') ?? '').toLowerCase()} `;
  const id = (attrs.get('id') ?? '').toLowerCase();
  if (tag === 'blockquote') return 'quote';
  if (/ (gmail_quote|gmail_quote_container|moz-cite-prefix|yahoo_quoted|protonmail_quote) /.test(cls)) return 'quote';
  if (id === 'divrplyfwdmsg' || id === 'appendonsend' || id === 'mail-editor-reference-message-container' || /^(zwchr|x_divrplyfwdmsg)$/.test(id)) {
    return 'history';
  }
  if (/ (gmail_signature|moz-signature|signature|yahoo-signature) /.test(cls)) return 'signature';
  if (attrs.get('data-smartmail') === 'gmail_signature') return 'signature';
  if (id === 'signature' || id === 'ms-outlook-mobile-signature' || id === 'ymailsignature' || id === 'applemailsignature') return 'signature';
  return null;
}

interface Open {
  tag: string;
  role: Role;
  skip: boolean;
}

export function htmlToText(html: string, opts: { forReply?: boolean } = {}): string {
  const forReply = opts.forReply ?? false;
  const lines: { depth: number; text: string }[] = [];
  let current: { depth: number; text: string } | null = null;
  const stack: Open[] = [];
  let quoteDepth = 0;
  let skipDepth = 0;
  let preDepth = 0;
  let listDepth = 0;

  const flush = () => {
    if (current && current.text.trim() !== '') lines.push(current);
    current = null;
  };
  const breakLine = () => {
    if (current) {
      lines.push(current);
      current = null;
    } else {
      lines.push({ depth: quoteDepth, text: '' });
    }
  };
  const paragraphGap = () => {
    flush();
    const last = lines[lines.length - 1];
    if (last && last.text.trim() !== '') lines.push({ depth: quoteDepth, text: '' });
  };
  const emit = (text: string) => {
    if (skipDepth > 0 || text === '') return;
    if (!current) {
      const trimmed = preDepth > 0 ? text : text.replace(/^ +/, '');
      if (trimmed === '') return;
      current = { depth: quoteDepth, text: trimmed };
      return;
    }
    current.text += text;
  };

  const re = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[\s\S]*?>|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html)) !== null) {
    const token = m[0];
    const tagName = m[2];
    if (tagName === undefined) {
      if (token.startsWith('<!') || token.startsWith('<?')) continue;
      if (skipDepth > 0) continue;
      const text = decodeEntities(token);
      if (preDepth > 0) {
        const parts = text.replace(/\r\n?/g, '\n').split('\n');
        parts.forEach((p, i) => {
          if (i > 0) breakLine();
          emit(p);
        });
      } else {
        emit(text.replace(/[ \t\r\n\f\u00a0]+/g, ' '));
      }
      continue;
    }
    const tag = tagName.toLowerCase();
    const closing = m[1] === '/';
    const selfClosing = /\/\s*$/.test(m[3] ?? '');
    if (!closing) {
      if (tag === 'br') {
        if (skipDepth === 0) breakLine();
        continue;
      }
      if (tag === 'hr') {
        if (skipDepth === 0) {
          flush();
          // Outlook (web) separates the quoted original with a bare <hr> right before its header block.
          if (forReply && /tabindex=["']?-1/i.test(m[3] ?? '')) lines.push({ depth: quoteDepth, text: HISTORY_MARKER });
        }
        continue;
      }
      if (VOID.has(tag) || selfClosing) continue;
      const attrs = parseAttributes(m[3] ?? '');
      const role = forReply ? roleOf(tag, attrs) : tag === 'blockquote' ? 'quote' : null;
      const skip = SKIP.has(tag) || role === 'signature';
      if (BLOCK.has(tag) || role) {
        if (PARAGRAPH.has(tag)) paragraphGap();
        else flush();
      }
      if (role === 'history' && skipDepth === 0) lines.push({ depth: quoteDepth, text: HISTORY_MARKER });
      stack.push({ tag, role, skip });
      if (skip) skipDepth++;
      if (role === 'quote') quoteDepth++;
      if (tag === 'pre') preDepth++;
      if (tag === 'ul' || tag === 'ol') listDepth++;
      if (tag === 'li' && skipDepth === 0) emit(`${'  '.repeat(Math.max(0, listDepth - 1))}- `);
      if ((tag === 'td' || tag === 'th') && current) emit(' ');
      continue;
    }
    // closing tag: pop to the matching open element, if there is one
    let idx = -1;
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i]?.tag === tag) {
        idx = i;
        break;
      }
    }
    if (idx < 0) continue;
    while (stack.length > idx) {
      const open = stack.pop();
      if (!open) break;
      if (BLOCK.has(open.tag) || open.role) {
        if (PARAGRAPH.has(open.tag)) paragraphGap();
        else flush();
      }
      if (open.skip) skipDepth--;
      if (open.role === 'quote') quoteDepth--;
      if (open.tag === 'pre') preDepth--;
      if (open.tag === 'ul' || open.tag === 'ol') listDepth--;
    }
  }
  flush();

  const out: string[] = [];
  for (const l of lines) {
    const text = l.text.replace(/[ \t]+$/g, '');
    const line = l.depth > 0 ? `${'> '.repeat(l.depth)}${text}`.trimEnd() : text;
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}
