import type { FieldProblem } from '../../lib/errors.js';
import { APPLICATION_ATTACHMENT_POLICY, formatMegabytes } from './check-upload.js';
import { sanitizeFileName } from './sanitize-file-name.js';
import type { Attachments } from './schemas.js';

const P = 'attachments/files';

/**
 * Tab 6: the commercial invoice is attached (mandatory, seed 004), and every attachment was
 * accepted by the upload check: an allowed type, within the size limit, a sanitised name.
 */
export function checkAttachments(attachments: Attachments): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const policy = APPLICATION_ATTACHMENT_POLICY;
  if (!attachments.files.some((f) => f.documentType === 'commercial_invoice')) {
    problems.push({ path: P, message: 'Attach a copy of the commercial invoice: it is mandatory' });
  }
  if (attachments.files.length > policy.maxFiles) {
    problems.push({ path: P, message: `An application can carry at most ${policy.maxFiles} attachments (${attachments.files.length} given)` });
  }
  const ids = new Set<string>();
  attachments.files.forEach((f, i) => {
    const at = `${P}/${i}`;
    if (ids.has(f.id)) problems.push({ path: `${at}/id`, message: `Attachment ${f.id} is listed twice` });
    ids.add(f.id);
    if (!policy.allowed.includes(f.contentType)) {
      problems.push({ path: `${at}/contentType`, message: `${f.fileName}: ${f.contentType.toUpperCase()} files are not accepted as attachments` });
    }
    if (f.sizeBytes > policy.maxBytes) {
      problems.push({
        path: `${at}/sizeBytes`,
        message: `${f.fileName} is ${formatMegabytes(f.sizeBytes)}; attachments can be at most ${formatMegabytes(policy.maxBytes)}`,
      });
    }
    if (sanitizeFileName(f.fileName, f.contentType) !== f.fileName) {
      problems.push({
        path: `${at}/fileName`,
        message: `File name "${f.fileName}" was not sanitised (expected "${sanitizeFileName(f.fileName, f.contentType)}"); upload the file again`,
      });
    }
  });
  return problems;
}
