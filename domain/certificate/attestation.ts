/**
 * Attested copies (seed 004 tab 6 "Attest", E "Download the Issued Certificate & Attested documents"): the
 * rules of where the attestation block goes and what it says. Pure; drawn by
 * services/certificate/attested-copy.ts.
 *
 * - A PDF keeps its pages as they are. Each page gets the block in its bottom-right corner, inside the
 *   page's visible area (crop box), scaled down on a narrow page. A page the block would not fit on (a
 *   rotated page, a page narrower than {@link MIN_SCALE} of the block's room, or one where the block would
 *   take more than a quarter of the height) carries nothing; the block then also goes on one page appended
 *   after the document's own, which names the pages it covers.
 * - An image (JPEG, PNG) is placed on an A4 page (portrait, or landscape for a wide image), fitted inside the
 *   margins above a band kept free for the block, never enlarged; the block sits in that band, so it never
 *   covers the image.
 */

/** The block at full size, in points. */
export const ATTESTATION_BLOCK = { width: 240, height: 110 } as const;
/** Distance from the page's edges, in points at full size. */
export const ATTESTATION_MARGIN = 18;
/** Below this scale the block is unreadable: the page gets an appended attestation page instead. */
export const MIN_SCALE = 0.6;
/** The block takes at most this share of the page's width… */
const MAX_WIDTH_SHARE = 0.45;
/** …and of its height. */
const MAX_HEIGHT_SHARE = 0.25;

export const A4 = { width: 595.28, height: 841.89 } as const;
const IMAGE_MARGIN = 36;

export interface PageBox {
  /** the visible area (crop box) of the page */
  x: number;
  y: number;
  width: number;
  height: number;
  /** /Rotate, degrees */
  rotation: number;
}

export interface BlockPlacement {
  /** lower-left corner of the block, page coordinates */
  x: number;
  y: number;
  scale: number;
}

/** Where the block goes on a page of a PDF, or null when the page cannot carry it. */
export function placeOnPage(page: PageBox): BlockPlacement | null {
  if (((page.rotation % 360) + 360) % 360 !== 0) return null;
  if (!(page.width > 0 && page.height > 0)) return null;
  const scale = Math.min(1, (page.width * MAX_WIDTH_SHARE) / ATTESTATION_BLOCK.width);
  if (scale < MIN_SCALE) return null;
  const height = ATTESTATION_BLOCK.height * scale;
  const margin = ATTESTATION_MARGIN * scale;
  if (height + margin > page.height * MAX_HEIGHT_SHARE) return null;
  return { x: page.x + page.width - margin - ATTESTATION_BLOCK.width * scale, y: page.y + margin, scale };
}

export interface AttestationPlan {
  /** per page of the document: where its block goes, or null */
  pages: (BlockPlacement | null)[];
  /** the 1-based pages without a block, covered by an appended attestation page (empty: none appended) */
  coveredByAppendedPage: number[];
}

export function planPdfAttestation(pages: PageBox[]): AttestationPlan {
  const placed = pages.map(placeOnPage);
  return { pages: placed, coveredByAppendedPage: placed.flatMap((p, i) => (p ? [] : [i + 1])) };
}

export interface ImagePageLayout {
  page: { width: number; height: number };
  image: { x: number; y: number; width: number; height: number };
  block: BlockPlacement;
}

/** An image on its own A4 page, with the block in the band kept below it. */
export function layoutImagePage(image: { width: number; height: number }): ImagePageLayout {
  if (!(image.width > 0 && image.height > 0)) throw new Error('An image has a width and a height.');
  const page = image.width > image.height ? { width: A4.height, height: A4.width } : { width: A4.width, height: A4.height };
  const band = ATTESTATION_BLOCK.height + 2 * ATTESTATION_MARGIN;
  const room = { x: IMAGE_MARGIN, y: band, width: page.width - 2 * IMAGE_MARGIN, height: page.height - band - IMAGE_MARGIN };
  const scale = Math.min(1, room.width / image.width, room.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  return {
    page,
    image: { x: room.x + (room.width - width) / 2, y: room.y + (room.height - height) / 2, width, height },
    block: { x: page.width - IMAGE_MARGIN - ATTESTATION_BLOCK.width, y: ATTESTATION_MARGIN, scale: 1 },
  };
}

export interface AttestationFacts {
  certificateNumber: string;
  officerName: string;
  officerDesignation?: string | undefined;
  officeName: string;
  /** YYYY-MM-DD, India's date of the certificate's issue */
  date: string;
}

/** The lines of the block, in order: what pdftotext reads off an attested copy. */
export function attestationLines(f: AttestationFacts): string[] {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(f.date);
  const date = d ? `${d[3]}/${d[2]}/${d[1]}` : f.date;
  return [
    'Attested copy',
    `Certificate No. ${f.certificateNumber}`,
    `Attested by ${f.officerName}${f.officerDesignation ? `, ${f.officerDesignation}` : ''}`,
    f.officeName,
    `Date: ${date} (IST)`,
  ];
}

/** "pages 1, 3–5": the pages an appended attestation page covers. */
export function describePages(pages: number[], total: number): string {
  if (pages.length === total) return total === 1 ? 'the page before' : `all ${total} pages before`;
  const ranges: string[] = [];
  for (let i = 0; i < pages.length; ) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j]! + 1) j++;
    ranges.push(i === j ? `${pages[i]}` : `${pages[i]}–${pages[j]}`);
    i = j + 1;
  }
  return `${pages.length === 1 ? 'page' : 'pages'} ${ranges.join(', ')}`;
}

/** The file types an attested copy can be made of; others (XLS, XLSX) are declined by the system. */
export const ATTESTABLE_TYPES = ['pdf', 'jpeg', 'png'] as const;
export function isAttestable(contentType: string): boolean {
  return (ATTESTABLE_TYPES as readonly string[]).includes(contentType);
}

export interface AttestationDecline {
  attachmentId: string;
  remark: string;
}

/** The officer's choices at approval: every problem, each with its own message (empty: none). */
export function attestationChoiceProblems(declines: AttestationDecline[], marked: { id: string; fileName: string }[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const ids = new Set(marked.map((m) => m.id));
  const seen = new Set<string>();
  declines.forEach((d, i) => {
    const path = `body/declineAttestation/${i}`;
    if (!ids.has(d.attachmentId)) {
      problems.push({
        path: `${path}/attachmentId`,
        message:
          marked.length === 0
            ? `${d.attachmentId} is not a document to attest: the exporter marked none for attestation.`
            : `${d.attachmentId} is not a document the exporter marked for attestation (those are: ${marked.map((m) => `${m.id} ${m.fileName}`).join('; ')}).`,
      });
    } else if (seen.has(d.attachmentId)) problems.push({ path: `${path}/attachmentId`, message: `${d.attachmentId} is declined twice.` });
    seen.add(d.attachmentId);
    if (!d.remark?.trim()) problems.push({ path: `${path}/remark`, message: 'Say why the document is not attested: the exporter reads the remark.' });
    else if (d.remark.length > 1000) problems.push({ path: `${path}/remark`, message: 'A remark can be at most 1000 characters.' });
  });
  return problems;
}
