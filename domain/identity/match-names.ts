/**
 * The identity-matching threshold (seed 000): the profile name must match the legal name in the DSC
 * completely. Both names are compared after Unicode NFKC normalisation, ignoring letter case only.
 *
 * Why NFKC (not NFC): NFKC also folds compatibility variants that a person cannot see or type on purpose —
 * full-width letters from phone keyboards ("ＲＡＪ"), no-break and other fixed-width spaces, ligatures ("ﬁ").
 * They are encodings of the same written name, not different spellings. NFKC still keeps every visible
 * letter, mark and punctuation distinct, so a spelling, spacing or punctuation difference still fails.
 *
 * Also ignored: leading and trailing whitespace (invisible, and an artefact of forms and copy-paste), and
 * the invisible zero-width space, word joiner, byte-order mark and soft hyphen. Internal spaces count:
 * two spaces where the certificate has one is a mismatch. Zero-width joiners (which change how Indic
 * conjuncts render) are kept and reported as such.
 *
 * On a mismatch the names are aligned grapheme by grapheme (edit distance with adjacent transpositions,
 * so Devanagari conjuncts stay whole), the edits are grouped by word, and each group is explained in
 * plain words: extra/missing spaces, punctuation, swapped letters, abbreviations, initials, extra,
 * missing or reordered words, or a differently spelt first/middle/last name with the exact letters.
 */

export type DifferenceKind =
  | 'extra-space'
  | 'missing-space'
  | 'misplaced-space'
  | 'extra-punctuation'
  | 'missing-punctuation'
  | 'different-punctuation'
  | 'transposed-letters'
  | 'abbreviation'
  | 'initial'
  | 'different-word'
  | 'extra-word'
  | 'missing-word'
  | 'word-order'
  | 'invisible-character';

export interface Difference {
  kind: DifferenceKind;
  /** This one difference in plain words, e.g. "extra space after 'KUMAR'". */
  description: string;
  /** What the certificate and the profile have at this place ('' when one has nothing). */
  certificateText: string;
  profileText: string;
  /** Grapheme offsets [start, end) into the normalised names, for highlighting. */
  certificateRange: [number, number];
  profileRange: [number, number];
}

export type NameMatch = { match: true } | { match: false; differences: Difference[]; explanation: string };

export interface MatchNamesInput {
  /** The name in the user's profile on the portal. */
  profileName: string;
  /** The legal name in the DSC (subject CN), or the name returned by Aadhaar eSign. */
  certificateName: string;
  /** Person names label words first/middle/last name; organisation names say "word". Default person. */
  kind?: 'person' | 'organisation';
}

const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD]/g;
const JOINERS = /[\u200C\u200D]/g;

export function normaliseName(s: string): string {
  return s.normalize('NFKC').replace(INVISIBLE, '').replace(/\s/gu, ' ').trim();
}

const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });

interface G {
  text: string;
  lower: string;
  upper: string;
  space: boolean;
  punct: boolean;
}

function graphemes(s: string): G[] {
  return Array.from(segmenter.segment(s), ({ segment }) => ({
    text: segment,
    lower: segment.toLowerCase(),
    upper: segment.toUpperCase(),
    space: segment === ' ',
    punct: /^[\p{P}\p{S}]+$/u.test(segment),
  }));
}

const same = (a: G, b: G) => a.text === b.text || a.lower === b.lower || a.upper === b.upper;
const str = (gs: G[]) => gs.map((g) => g.text).join('');

// ---------------------------------------------------------------- alignment

type Op =
  | { t: 'eq' | 'sub'; a: number; b: number }
  | { t: 'del'; a: number; b: number } // a[a] missing from b; b = position in b
  | { t: 'ins'; a: number; b: number } // b[b] extra; a = position in a
  | { t: 'swap'; a: number; b: number }; // a[a],a[a+1] ~ b[b+1],b[b]

const FORBIDDEN = 1e6;

/** Optimal string alignment (Damerau–Levenshtein with adjacent transpositions) over graphemes. */
function align(a: G[], b: G[]): Op[] {
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  const d = new Float64Array((n + 1) * w);
  for (let i = 0; i <= n; i++) d[i * w] = i;
  for (let j = 0; j <= m; j++) d[j] = j;
  // a space may turn into punctuation ("KUMAR-SHARMA") but never into a letter
  const subCost = (x: G, y: G) => (same(x, y) ? 0 : (x.space && !y.punct) || (y.space && !x.punct) ? FORBIDDEN : 1);
  const canSwap = (i: number, j: number) =>
    i > 1 && j > 1 && same(a[i - 1]!, b[j - 2]!) && same(a[i - 2]!, b[j - 1]!) && !same(a[i - 1]!, a[i - 2]!) && !a[i - 1]!.space && !a[i - 2]!.space;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      let v = Math.min(d[(i - 1) * w + j]! + 1, d[i * w + j - 1]! + 1, d[(i - 1) * w + j - 1]! + subCost(a[i - 1]!, b[j - 1]!));
      if (canSwap(i, j)) v = Math.min(v, d[(i - 2) * w + j - 2]! + 1);
      d[i * w + j] = v;
    }
  }
  const ops: Op[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = d[i * w + j]!;
    if (i > 0 && j > 0 && same(a[i - 1]!, b[j - 1]!) && here === d[(i - 1) * w + j - 1]) {
      ops.push({ t: 'eq', a: i - 1, b: j - 1 });
      i--;
      j--;
    } else if (canSwap(i, j) && here === d[(i - 2) * w + j - 2]! + 1) {
      ops.push({ t: 'swap', a: i - 2, b: j - 2 });
      i -= 2;
      j -= 2;
    } else if (i > 0 && j > 0 && here === d[(i - 1) * w + j - 1]! + subCost(a[i - 1]!, b[j - 1]!)) {
      ops.push({ t: 'sub', a: i - 1, b: j - 1 });
      i--;
      j--;
    } else if (i > 0 && here === d[(i - 1) * w + j]! + 1) {
      ops.push({ t: 'del', a: i - 1, b: j });
      i--;
    } else {
      ops.push({ t: 'ins', a: i, b: j - 1 });
      j--;
    }
  }
  return ops.reverse();
}

// ---------------------------------------------------------------- words

interface Word {
  start: number;
  end: number;
  text: string;
}

function words(gs: G[]): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < gs.length; ) {
    if (gs[i]!.space) {
      i++;
      continue;
    }
    let k = i;
    while (k < gs.length && !gs[k]!.space) k++;
    out.push({ start: i, end: k, text: str(gs.slice(i, k)) });
    i = k;
  }
  return out;
}

// ---------------------------------------------------------------- plain words

const PUNCT_NAMES: Record<string, string> = {
  '.': 'full stop',
  ',': 'comma',
  '-': 'hyphen',
  '\u2010': 'hyphen',
  '\u2013': 'dash',
  '\u2014': 'dash',
  "'": "straight apostrophe (')",
  '\u2019': "curly apostrophe (’)",
  '\u2018': "curly apostrophe (‘)",
  '"': 'quotation mark',
  '(': 'opening bracket',
  ')': 'closing bracket',
  '[': 'opening bracket',
  ']': 'closing bracket',
  '&': "ampersand (&)",
  '/': 'slash',
  '\\': 'backslash',
  ':': 'colon',
  ';': 'semicolon',
  '_': 'underscore',
  '@': "at sign (@)",
  '#': "hash sign (#)",
  '\u0964': 'danda (।)',
  '\u0965': 'double danda (॥)',
};

function what(gs: G[]): string {
  if (gs.length > 0 && gs.every((g) => g.space)) return gs.length === 1 ? 'space' : `${gs.length} spaces`;
  if (gs.length === 1 && gs[0]!.punct) return PUNCT_NAMES[gs[0]!.text] ?? `'${gs[0]!.text}'`;
  if (gs.every((g) => g.punct)) return `'${str(gs)}'`;
  return `'${str(gs)}'`;
}

const an = (phrase: string) => (/^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`);

/** Text of the word in `gs` that ends just before position `k` (the context "after '…'"). */
function prefixInWord(gs: G[], k: number): string {
  let s = k;
  while (s > 0 && !gs[s - 1]!.space) s--;
  return str(gs.slice(s, k));
}

function restOfWord(gs: G[], k: number): string {
  let e = k;
  while (e < gs.length && !gs[e]!.space) e++;
  return str(gs.slice(k, e));
}

function where(gs: G[], k: number): string {
  const before = prefixInWord(gs, k);
  if (before) return `after '${before}'`;
  // at a word start: name the previous word if the gap is a space, else the following text
  let p = k - 1;
  while (p >= 0 && gs[p]!.space) p--;
  if (p >= 0 && p < k - 1) return `after '${prefixInWord(gs, p + 1)}'`;
  const after = restOfWord(gs, k);
  return after ? `before '${after}'` : 'at the end';
}

interface Chunk {
  t: Op['t'];
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** Merges consecutive edits of one kind, shifting single doubled-letter edits to the end of their run. */
function chunks(ops: Op[], a: G[], b: G[]): Chunk[] {
  const out: Chunk[] = [];
  for (const op of ops) {
    if (op.t === 'eq') continue;
    const c: Chunk =
      op.t === 'ins'
        ? { t: 'ins', a0: op.a, a1: op.a, b0: op.b, b1: op.b + 1 }
        : op.t === 'del'
          ? { t: 'del', a0: op.a, a1: op.a + 1, b0: op.b, b1: op.b }
          : op.t === 'swap'
            ? { t: 'swap', a0: op.a, a1: op.a + 2, b0: op.b, b1: op.b + 2 }
            : { t: 'sub', a0: op.a, a1: op.a + 1, b0: op.b, b1: op.b + 1 };
    const last = out[out.length - 1];
    if (last && last.t === c.t && c.t !== 'swap' && last.a1 === c.a0 && last.b1 === c.b0) {
      const sameClass = (x: G | undefined, y: G | undefined) => !!x && !!y && x.space === y.space;
      const prevG = c.t === 'ins' ? b[last.b0] : a[last.a0];
      const nextG = c.t === 'ins' ? b[c.b0] : a[c.a0];
      if (sameClass(prevG, nextG)) {
        last.a1 = c.a1;
        last.b1 = c.b1;
        continue;
      }
    }
    out.push(c);
  }
  // Within a run of repeated text the edit could sit anywhere; place it last ("an extra 'A' after 'KUMA'",
  // "an extra 'AN' after 'NARAYAN'"), never past the next edit.
  out.forEach((c, k) => {
    const next = out[k + 1];
    const aLimit = next ? next.a0 : a.length;
    const bLimit = next ? next.b0 : b.length;
    if (c.t === 'ins') {
      while (c.b1 < bLimit && c.a0 < aLimit && same(b[c.b1]!, b[c.b0]!) && same(a[c.a0]!, b[c.b1]!) && b[c.b0]!.space === b[c.b1]!.space) {
        c.b0++;
        c.b1++;
        c.a0++;
        c.a1++;
      }
    }
    if (c.t === 'del') {
      while (c.a1 < aLimit && c.b0 < bLimit && same(a[c.a1]!, a[c.a0]!) && same(b[c.b0]!, a[c.a1]!) && a[c.a0]!.space === a[c.a1]!.space) {
        c.a0++;
        c.a1++;
        c.b0++;
        c.b1++;
      }
    }
  });
  return out;
}

/** One phrase per edit: "an extra 'A' after 'KUMA'", "missing full stop after 'K'", … */
function phrase(c: Chunk, a: G[], b: G[]): string {
  const ag = a.slice(c.a0, c.a1);
  const bg = b.slice(c.b0, c.b1);
  switch (c.t) {
    case 'ins':
      return `${bg.every((g) => g.space) || bg.every((g) => g.punct) ? 'extra' : 'an extra'} ${what(bg)} ${where(b, c.b0)}`;
    case 'del':
      return `missing ${what(ag)} ${where(a, c.a0)}`;
    case 'swap':
      return `'${str(bg)}' where the certificate has '${str(ag)}', ${where(a, c.a0)}`;
    case 'sub':
      if (ag.every((g) => g.punct || g.space) && bg.every((g) => g.punct || g.space)) {
        return `${what(bg)} where the certificate has ${an(what(ag))}, ${where(a, c.a0)}`;
      }
      return `'${str(bg)}' where the certificate has '${str(ag)}', ${where(a, c.a0)}`;
    default:
      return '';
  }
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function isSubsequence(short: G[], long: G[]): boolean {
  let k = 0;
  for (const g of long) if (k < short.length && same(short[k]!, g)) k++;
  return k === short.length;
}

// ---------------------------------------------------------------- comparison

interface Ctx {
  c: G[];
  p: G[];
  cw: Word[];
  pw: Word[];
  kind: 'person' | 'organisation';
}

function roleOf(ctx: Ctx, wordIndex: number): string {
  if (ctx.kind === 'organisation') return 'different word';
  const n = ctx.cw.length;
  if (n <= 1) return 'different name';
  if (wordIndex === 0) return 'different first name';
  if (wordIndex === n - 1) return 'different last name';
  return 'different middle name';
}

function diff(
  kind: DifferenceKind,
  description: string,
  ctx: Ctx,
  cr: [number, number],
  pr: [number, number],
): Difference {
  return {
    kind,
    description,
    certificateText: str(ctx.c.slice(cr[0], cr[1])),
    profileText: str(ctx.p.slice(pr[0], pr[1])),
    certificateRange: cr,
    profileRange: pr,
  };
}

/** Differences between one certificate word and the profile word aligned with it. */
function compareWords(ctx: Ctx, ci: number, pi: number): Difference[] {
  const cw = ctx.cw[ci]!;
  const pw = ctx.pw[pi]!;
  const a = ctx.c.slice(cw.start, cw.end);
  const b = ctx.p.slice(pw.start, pw.end);
  const cr: [number, number] = [cw.start, cw.end];
  const pr: [number, number] = [pw.start, pw.end];
  const ops = align(a, b);
  const cs = chunks(ops, a, b);
  if (cs.length === 0) return [];

  // invisible joiners only
  if (cs.every((c) => c.t === 'sub' && c.a1 - c.a0 === 1 && a[c.a0]!.text.replace(JOINERS, '') === b[c.b0]!.text.replace(JOINERS, ''))) {
    return [
      diff(
        'invisible-character',
        `'${pw.text}' in your profile and '${cw.text}' in the certificate look alike but are typed differently: one contains an invisible joining character (zero-width joiner or non-joiner)`,
        ctx,
        cr,
        pr,
      ),
    ];
  }

  // punctuation only: one difference per mark
  const punctOnly = cs.every((c) => a.slice(c.a0, c.a1).every((g) => g.punct) && b.slice(c.b0, c.b1).every((g) => g.punct) && c.t !== 'swap');
  if (punctOnly) {
    return cs.map((c) =>
      diff(
        c.t === 'ins' ? 'extra-punctuation' : c.t === 'del' ? 'missing-punctuation' : 'different-punctuation',
        phrase(c, a, b),
        ctx,
        [cw.start + c.a0, cw.start + c.a1],
        [pw.start + c.b0, pw.start + c.b1],
      ),
    );
  }

  if (cs.length === 1 && cs[0]!.t === 'swap') {
    const c = cs[0]!;
    return [
      diff(
        'transposed-letters',
        `letters swapped in '${pw.text}' (certificate has '${cw.text}'): '${str(b.slice(c.b0, c.b1))}' should be '${str(a.slice(c.a0, c.a1))}'`,
        ctx,
        cr,
        pr,
      ),
    ];
  }

  const al = a.filter((g) => !g.punct);
  const bl = b.filter((g) => !g.punct);
  const [short, long] = al.length <= bl.length ? [al, bl] : [bl, al];
  if (short.length > 0 && short.length <= long.length * 0.6 && same(short[0]!, long[0]!) && isSubsequence(short, long)) {
    const certShort = short === al;
    if (short.length === 1) {
      return [
        diff(
          'initial',
          `'${cw.text}' in the certificate, '${pw.text}' in your profile (${certShort ? 'the certificate has only the initial' : 'your profile has only the initial'})`,
          ctx,
          cr,
          pr,
        ),
      ];
    }
    return [
      diff(
        'abbreviation',
        `'${cw.text}' in the certificate, '${pw.text}' in your profile (${certShort ? 'the certificate uses the abbreviation' : 'your profile uses the abbreviation'})`,
        ctx,
        cr,
        pr,
      ),
    ];
  }

  // letter-level detail helps only while most of the word is shared
  const edited = cs.reduce((sum, c) => sum + Math.max(c.a1 - c.a0, c.b1 - c.b0), 0);
  const detail = edited <= Math.max(1, Math.floor(Math.max(a.length, b.length) / 4)) ? ` (${joinList(cs.map((c) => phrase(c, a, b)))})` : '';
  return [diff('different-word', `${roleOf(ctx, ci)}: '${cw.text}' in the certificate, '${pw.text}' in your profile${detail}`, ctx, cr, pr)];
}

/** A group of aligned words: certificate words [c0, c1) against profile words [p0, p1); -1 when one side is empty. */
interface Component {
  c0: number;
  c1: number;
  p0: number;
  p1: number;
}

function distance(a: G[], b: G[]): number {
  return align(a, b).filter((o) => o.t !== 'eq').length;
}

function letters(ws: Word[], gs: G[], from: number, to: number): G[] {
  const out: G[] = [];
  for (let i = from; i < to; i++) out.push(...gs.slice(ws[i]!.start, ws[i]!.end));
  return out;
}

const MAX_GROUP = 3;

/**
 * Word-level alignment. Words pair up one to one (cost: share of differing letters, so a respelt word
 * still pairs with its counterpart), or in small groups when only the spaces between them differ
 * ("RAJKUMAR" ~ "RAJ KUMAR"), or stand alone as extra/missing words (cost 1 each).
 */
function alignWords(ctx: Ctx): Component[] {
  const { c, p, cw, pw } = ctx;
  const n = cw.length;
  const m = pw.length;
  const w = m + 1;
  const d = new Float64Array((n + 1) * w).fill(Infinity);
  const from: Array<[number, number] | undefined> = new Array((n + 1) * w);
  d[0] = 0;
  const groupCost = (i0: number, i1: number, j0: number, j1: number): number => {
    const a = letters(cw, c, i0, i1);
    const b = letters(pw, p, j0, j1);
    const dist = distance(a, b);
    if (i1 - i0 === 1 && j1 - j0 === 1) return dist / Math.max(a.length, b.length, 1);
    // Groups explain spacing: their letters must agree (one slip allowed), or separate words explain better.
    return dist <= 1 ? 0.35 + 0.3 * dist : Infinity;
  };
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) continue;
      let best = Infinity;
      let arg: [number, number] | undefined;
      const consider = (u: number, v: number, cost: number) => {
        const prev = d[(i - u) * w + (j - v)]!;
        if (prev + cost < best - 1e-9) {
          best = prev + cost;
          arg = [u, v];
        }
      };
      if (i > 0 && j > 0) consider(1, 1, groupCost(i - 1, i, j - 1, j));
      for (let u = 1; u <= Math.min(MAX_GROUP, i); u++) {
        for (let v = 1; v <= Math.min(MAX_GROUP, j); v++) if (u !== 1 || v !== 1) consider(u, v, groupCost(i - u, i, j - v, j));
      }
      if (i > 0) consider(1, 0, 1);
      if (j > 0) consider(0, 1, 1);
      d[i * w + j] = best;
      from[i * w + j] = arg;
    }
  }
  const groups: Component[] = [];
  for (let i = n, j = m; i > 0 || j > 0; ) {
    const [u, v] = from[i * w + j]!;
    const g: Component = { c0: u ? i - u : -1, c1: u ? i : -1, p0: v ? j - v : -1, p1: v ? j : -1 };
    const last = groups[groups.length - 1];
    // consecutive extra (or missing) words read better as one difference
    if (last && u === 0 && last.c0 < 0 && last.p0 === j) last.p0 = j - v;
    else if (last && v === 0 && last.p0 < 0 && last.c0 === i) last.c0 = i - u;
    else groups.push(g);
    i -= u;
    j -= v;
  }
  return groups.reverse();
}

function wordsText(ws: Word[], gs: G[], from: number, to: number): string {
  return str(gs.slice(ws[from]!.start, ws[to - 1]!.end));
}

function compareComponent(ctx: Ctx, k: Component): Difference[] {
  const { c, p, cw, pw } = ctx;
  if (k.c0 < 0) {
    const text = wordsText(pw, p, k.p0, k.p1);
    const many = k.p1 - k.p0 > 1;
    const before = k.p0 > 0 ? ` after '${pw[k.p0 - 1]!.text}'` : k.p1 < pw.length ? ` before '${pw[k.p1]!.text}'` : '';
    const desc = cw.length === 0
      ? `the certificate has no name; your profile has '${text}'`
      : `extra ${many ? 'words' : 'word'} '${text}'${before} in your profile (not in the certificate)`;
    return [diff('extra-word', desc, ctx, [0, 0], [pw[k.p0]!.start, pw[k.p1 - 1]!.end])];
  }
  if (k.p0 < 0) {
    const text = wordsText(cw, c, k.c0, k.c1);
    const many = k.c1 - k.c0 > 1;
    const place =
      k.c0 > 0 && k.c1 < cw.length
        ? ` between '${cw[k.c0 - 1]!.text}' and '${cw[k.c1]!.text}'`
        : k.c0 > 0
          ? ` after '${cw[k.c0 - 1]!.text}'`
          : k.c1 < cw.length
            ? ` before '${cw[k.c1]!.text}'`
            : '';
    const desc = k.c0 === 0 && k.c1 === cw.length && pw.length === 0
      ? `your profile has no name; the certificate has '${text}'`
      : `missing ${many ? 'words' : 'word'} '${text}'${place} (the certificate has ${many ? 'them' : 'it'}, your profile does not)`;
    return [diff('missing-word', desc, ctx, [cw[k.c0]!.start, cw[k.c1 - 1]!.end], [0, 0])];
  }
  const cr: [number, number] = [cw[k.c0]!.start, cw[k.c1 - 1]!.end];
  const pr: [number, number] = [pw[k.p0]!.start, pw[k.p1 - 1]!.end];
  const a = c.slice(cr[0], cr[1]);
  const b = p.slice(pr[0], pr[1]);
  if (a.length === b.length && a.every((g, i) => same(g, b[i]!))) return [];
  if (k.c1 - k.c0 === 1 && k.p1 - k.p0 === 1) return compareWords(ctx, k.c0, k.p0);

  const al = a.filter((g) => !g.space);
  const bl = b.filter((g) => !g.space);
  if (al.length === bl.length && al.every((g, i) => same(g, bl[i]!))) {
    // same letters, spaces differ: compare where the word breaks fall (counted in letters)
    const breaks = (ws: Word[], from: number, to: number) => {
      const out = new Map<number, [number, number]>();
      let n = 0;
      for (let i = from; i < to - 1; i++) {
        n += ws[i]!.end - ws[i]!.start;
        out.set(n, [i, i + 1]);
      }
      return out;
    };
    const cb = breaks(cw, k.c0, k.c1);
    const pb = breaks(pw, k.p0, k.p1);
    const missing = [...cb].filter(([n]) => !pb.has(n));
    const extra = [...pb].filter(([n]) => !cb.has(n));
    const out: Difference[] = [];
    if (missing.length === 1 && extra.length === 1) {
      return [diff('misplaced-space', `space in the wrong place: '${str(b)}' in your profile, '${str(a)}' in the certificate`, ctx, cr, pr)];
    }
    for (const [, [x, y]] of missing) {
      out.push(diff('missing-space', `missing space between '${cw[x]!.text}' and '${cw[y]!.text}'`, ctx, [cw[x]!.end, cw[y]!.start], [pw[k.p0]!.start, pw[k.p1 - 1]!.end]));
    }
    for (const [, [x, y]] of extra) {
      out.push(
        diff('extra-space', `extra space between '${pw[x]!.text}' and '${pw[y]!.text}' (the certificate writes '${str(a)}')`, ctx, [cw[k.c0]!.start, cw[k.c1 - 1]!.end], [pw[x]!.end, pw[y]!.start]),
      );
    }
    return out;
  }

  const cs = chunks(align(a, b), a, b);
  const detail = cs.length <= 4 ? ` (${joinList(cs.map((ch) => phrase(ch, a, b)))})` : '';
  const marksOnly = cs.every((ch) => [...a.slice(ch.a0, ch.a1), ...b.slice(ch.b0, ch.b1)].every((g) => g.punct || g.space));
  return [diff(marksOnly ? 'different-punctuation' : 'different-word', `'${str(a)}' in the certificate, '${str(b)}' in your profile${detail}`, ctx, cr, pr)];
}

function spacingBetween(ctx: Ctx, prev: Component, next: Component): Difference[] {
  const { cw, pw } = ctx;
  const cGap = cw[next.c0]!.start - cw[prev.c1 - 1]!.end;
  const pGap = pw[next.p0]!.start - pw[prev.p1 - 1]!.end;
  if (cGap === pGap) return [];
  const cr: [number, number] = [cw[prev.c1 - 1]!.end, cw[next.c0]!.start];
  const pr: [number, number] = [pw[prev.p1 - 1]!.end, pw[next.p0]!.start];
  const spaces = (n: number) => (n === 1 ? '1 space' : `${n} spaces`);
  if (pGap > cGap) {
    const n = pGap - cGap;
    return [
      diff(
        'extra-space',
        `${n === 1 ? 'extra space' : `${n} extra spaces`} after '${pw[prev.p1 - 1]!.text}' (your profile has ${spaces(pGap)} there, the certificate ${spaces(cGap)})`,
        ctx,
        cr,
        pr,
      ),
    ];
  }
  const n = cGap - pGap;
  return [
    diff(
      'missing-space',
      `${n === 1 ? 'missing space' : `${n} missing spaces`} after '${pw[prev.p1 - 1]!.text}' (the certificate has ${spaces(cGap)} there, your profile ${spaces(pGap)})`,
      ctx,
      cr,
      pr,
    ),
  ];
}

function position(i: number, n: number): string {
  if (i === 0) return 'first';
  if (i === n - 1) return 'last';
  return `word ${i + 1} of ${n}`;
}

/** An extra word identical to a missing word is one word in a different place. */
function pairMovedWords(ctx: Ctx, groups: Component[]): Map<Component, Difference | null> {
  const out = new Map<Component, Difference | null>();
  const extras = groups.filter((g) => g.c0 < 0 && g.p1 - g.p0 === 1);
  for (const miss of groups.filter((g) => g.p0 < 0 && g.c1 - g.c0 === 1)) {
    const text = ctx.cw[miss.c0]!.text;
    const extra = extras.find((e) => !out.has(e) && ctx.pw[e.p0]!.text.toLowerCase() === text.toLowerCase());
    if (!extra) continue;
    const cwd = ctx.cw[miss.c0]!;
    const pwd = ctx.pw[extra.p0]!;
    out.set(
      miss,
      diff(
        'word-order',
        `'${text}' is in a different place: ${position(miss.c0, ctx.cw.length)} in the certificate, ${position(extra.p0, ctx.pw.length)} in your profile`,
        ctx,
        [cwd.start, cwd.end],
        [pwd.start, pwd.end],
      ),
    );
    out.set(extra, null);
  }
  return out;
}

export function explainDifferences(profileName: string, certificateName: string, differences: Difference[]): string {
  const head = `The name in your profile, "${profileName}", does not exactly match the name in your digital signature certificate, "${certificateName}".`;
  const list =
    differences.length === 1
      ? ` Difference: ${differences[0]!.description}.`
      : ` ${differences.length} differences: ${differences.map((d, i) => `${i + 1}) ${d.description}`).join('; ')}.`;
  return `${head}${list} Capital and small letters may differ, but spelling, spaces and punctuation must be identical.`;
}

export function matchNames(input: MatchNamesInput): NameMatch {
  const certName = normaliseName(input.certificateName);
  const profName = normaliseName(input.profileName);
  const c = graphemes(certName);
  const p = graphemes(profName);
  if (c.length === p.length && c.every((g, i) => same(g, p[i]!))) return { match: true };

  const ctx: Ctx = { c, p, cw: words(c), pw: words(p), kind: input.kind ?? 'person' };
  const groups = alignWords(ctx);
  const moved = pairMovedWords(ctx, groups);

  const differences: Difference[] = [];
  let prevTwoSided: Component | null = null;
  let oneSidedSince = false;
  for (const k of groups) {
    const twoSided = k.c0 >= 0 && k.p0 >= 0;
    if (twoSided && prevTwoSided && !oneSidedSince) differences.push(...spacingBetween(ctx, prevTwoSided, k));
    if (moved.has(k)) {
      const m = moved.get(k);
      if (m) differences.push(m);
    } else differences.push(...compareComponent(ctx, k));
    if (twoSided) {
      prevTwoSided = k;
      oneSidedSince = false;
    } else oneSidedSince = true;
  }
  if (differences.length === 0) {
    // Defensive: equal word by word yet unequal overall cannot happen after normalisation; say so plainly.
    differences.push(diff('different-word', `'${certName}' in the certificate, '${profName}' in your profile`, ctx, [0, c.length], [0, p.length]));
  }
  return { match: false, differences, explanation: explainDifferences(profName, certName, differences) };
}
