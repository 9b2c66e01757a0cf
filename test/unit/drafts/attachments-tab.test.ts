import { describe, expect, it } from 'vitest';
import { mergeStoredAttachments } from '../../../api/drafts/attachment-views.js';
import type { AttachmentRow } from '../../../db/entities/index.js';

const stored = (id: string, fileName: string) =>
  ({ id, fileName, contentType: 'pdf', sizeBytes: 2048, sha256: 'a'.repeat(64), documentType: 'commercial_invoice' }) as unknown as AttachmentRow;

describe('tab 6 as sent, reconciled with the stored files', () => {
  it('takes name, type, size and hash from the stored file; documentType, attest and description from the exporter', () => {
    const r = mergeStoredAttachments(
      { files: [{ id: 'f1', documentType: 'packing_list', attest: true, fileName: 'evil.exe', sizeBytes: 1, sha256: 'b'.repeat(64), description: 'Packing list' }] },
      [stored('f1', 'invoice.pdf')],
    );
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({
      files: [
        { id: 'f1', documentType: 'packing_list', attest: true, fileName: 'invoice.pdf', contentType: 'pdf', sizeBytes: 2048, sha256: 'a'.repeat(64), description: 'Packing list' },
      ],
    });
  });

  it('names a listed file that was never uploaded, and an uploaded file left out', () => {
    const r = mergeStoredAttachments({ files: [{ id: 'nope', documentType: 'other', attest: false }] }, [stored('f1', 'invoice.pdf')]);
    expect(r.problems.map((p) => p.path)).toEqual(['attachments/files/0/id', 'attachments/files']);
    expect(r.problems[0]!.message).toContain('"nope" was not uploaded to this application');
    expect(r.problems[1]!.message).toContain('Uploaded file invoice.pdf (f1) is missing from the list');
  });

  it('leaves input of the wrong shape to the schema', () => {
    expect(mergeStoredAttachments('x', [])).toEqual({ value: 'x', problems: [] });
    expect(mergeStoredAttachments({ files: 'x' }, [])).toEqual({ value: { files: 'x' }, problems: [] });
  });
});
