import { attachmentsToAttest, type ApplicationCard, type ApprovalInput, type DeficiencyInput, type RejectionInput } from './backend.js';
import { InputActionId, InputBlockId } from './ids.js';
import { COMMON_DOCUMENTS, LIMITS } from './input-rules.js';
import { withoutNul } from '../../lib/text.js';

/** The `view.state.values` shape Slack sends with a view_submission. */
export type ViewStateValues = Record<
  string,
  Record<string, { type: string; value?: string | null; selected_options?: { value: string }[] } | undefined> | undefined
>;

/** Either the clean input, or messages keyed by input block for `response_action: 'errors'`. */
export type Parsed<T> = { ok: true; input: T } | { ok: false; errors: Record<string, string> };

const count = (n: number) => n.toLocaleString('en-IN');

function textOf(values: ViewStateValues, blockId: string, actionId: string): string {
  return withoutNul(values[blockId]?.[actionId]?.value ?? '').replace(/\r\n?/g, '\n').trim();
}

function checkLength(text: string, what: string, min: number, max: number, emptyMessage: string): string | null {
  if (text === '') return emptyMessage;
  if (text.length < min) return `${what} must be at least ${min} characters, so the exporter knows what to do.`;
  if (text.length > max) return `${what} can be at most ${count(max)} characters; this has ${count(text.length)}.`;
  return null;
}

export function readDeficiencyInput(values: ViewStateValues): Parsed<DeficiencyInput> {
  const errors: Record<string, string> = {};
  const remarks = textOf(values, InputBlockId.remarks, InputActionId.remarks);
  const remarksProblem = checkLength(
    remarks,
    'Remarks',
    LIMITS.remarksMin,
    LIMITS.remarksMax,
    'Write the remarks the exporter will read.',
  );
  if (remarksProblem) errors[InputBlockId.remarks] = remarksProblem;

  const documents: string[] = [];
  const selected = values[InputBlockId.documents]?.[InputActionId.documents]?.selected_options ?? [];
  for (const option of selected) {
    const known = COMMON_DOCUMENTS.find((d) => d.value === option.value);
    if (!known) {
      errors[InputBlockId.documents] = `“${option.value}” is not one of the listed documents.`;
      continue;
    }
    documents.push(known.label);
  }

  const others = textOf(values, InputBlockId.otherDocuments, InputActionId.otherDocuments)
    .split('\n')
    .map((line) => line.trim().replace(/^[-•*]\s*/, ''))
    .filter((line) => line !== '');
  const tooLong = others.findIndex((line) => line.length > LIMITS.documentNameMax);
  if (tooLong >= 0) {
    errors[InputBlockId.otherDocuments] =
      `Line ${tooLong + 1} is longer than ${LIMITS.documentNameMax} characters; write one document name per line.`;
  }
  for (const line of others) {
    if (!documents.some((d) => d.toLowerCase() === line.toLowerCase())) documents.push(line);
  }
  if (documents.length > LIMITS.documentsMax && !errors[InputBlockId.otherDocuments]) {
    errors[InputBlockId.otherDocuments] =
      `Ask for at most ${LIMITS.documentsMax} documents in one round; this asks for ${documents.length}.`;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { remarks, documentsRequested: documents } };
}

export function readRejectionInput(values: ViewStateValues): Parsed<RejectionInput> {
  const reason = textOf(values, InputBlockId.reason, InputActionId.reason);
  const problem = checkLength(
    reason,
    'The reason',
    LIMITS.reasonMin,
    LIMITS.reasonMax,
    'Write the reason for the rejection; the exporter will read it.',
  );
  if (problem) return { ok: false, errors: { [InputBlockId.reason]: problem } };
  return { ok: true, input: { reason } };
}

/** The approval modal as ticked: the documents to attest, and the remark for the others. */
export interface ApprovalChoice {
  attest: string[];
  remark: string;
}

export function readApprovalChoice(values: ViewStateValues): Parsed<ApprovalChoice> {
  const attest = (values[InputBlockId.attest]?.[InputActionId.attest]?.selected_options ?? []).map((o) => o.value);
  const remark = textOf(values, InputBlockId.attestRemark, InputActionId.attestRemark);
  if (remark.length > LIMITS.attestRemarkMax) {
    return { ok: false, errors: { [InputBlockId.attestRemark]: `The remark can be at most ${count(LIMITS.attestRemarkMax)} characters; this has ${count(remark.length)}.` } };
  }
  return { ok: true, input: { attest, remark } };
}

/**
 * The approval the choice makes on this card: every document marked "Attest" but unticked is declined with
 * the remark; a document the modal could not list (beyond its first 10) stays attested. A refusal names the
 * remark block when something is unticked without a remark.
 */
export function approvalFromChoice(card: ApplicationCard, choice: ApprovalChoice): Parsed<ApprovalInput> {
  const listed = attachmentsToAttest(card).slice(0, 10);
  const unticked = listed.filter((a) => !choice.attest.includes(a.id));
  if (unticked.length > 0 && choice.remark === '') {
    return { ok: false, errors: { [InputBlockId.attestRemark]: `Say why ${unticked.map((a) => a.name).join(', ')} ${unticked.length === 1 ? 'is' : 'are'} not attested: the exporter reads the remark.` } };
  }
  return { ok: true, input: { declineAttestation: unticked.map((a) => ({ attachmentId: a.id, remark: choice.remark })) } };
}
