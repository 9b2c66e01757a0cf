import { deflateSync } from 'node:zlib';
import { PDFArray, PDFContentStream, PDFName, PDFRawStream, PDFRef, type PDFDocument } from 'pdf-lib';

/**
 * pdf-lib compresses with pako (JavaScript); Node's zlib does the same job several times faster. These
 * two hooks move the document's heavy streams (font subsets, page contents) to zlib. The output is the
 * same standard FlateDecode data.
 */

/** Font files and other `context.flateStream` users of this one document. */
export function useNativeDeflate(doc: PDFDocument): void {
  const ctx = doc.context;
  ctx.flateStream = (contents: string | Uint8Array, dict = {}) => {
    const bytes = typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents;
    return PDFRawStream.of(ctx.obj({ ...dict, Filter: 'FlateDecode' }), deflateSync(bytes));
  };
}

/** Replaces the pages' content streams by zlib-compressed raw streams. Call after the last drawing. */
export function compressPageContents(doc: PDFDocument): void {
  const ctx = doc.context;
  for (const page of doc.getPages()) {
    const contents = page.node.Contents();
    const refs: PDFRef[] = [];
    if (contents instanceof PDFArray) {
      for (let i = 0; i < contents.size(); i++) {
        const r = contents.get(i);
        if (r instanceof PDFRef) refs.push(r);
      }
    } else {
      const r = page.node.get(PDFName.of('Contents'));
      if (r instanceof PDFRef) refs.push(r);
    }
    for (const ref of refs) {
      const stream = ctx.lookup(ref);
      if (stream instanceof PDFContentStream) {
        ctx.assign(ref, PDFRawStream.of(ctx.obj({ Filter: 'FlateDecode' }), deflateSync(stream.getUnencodedContents())));
      }
    }
  }
}
