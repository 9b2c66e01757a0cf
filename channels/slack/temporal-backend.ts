import { fileWorkflowOf } from '../../workflows/certificate-request/contract.js';
import { findApplicationFailure } from '../../lib/workflow-failure.js';
import { ErrorCode } from '../../lib/errors.js';
import { officerRefusal } from '../../services/identity/officer-on-duty.js';
import crypto from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  AgencyOfficeRow,
  ApplicationRow,
  AttachmentRow,
  CertificateRow,
  IecRecord,
  IssuingAgencyRow,
  SignedVersion,
  StaffUserRow,
  TradeAgreementRow,
} from '../../db/entities/index.js';
import { SlackLinkCode, SlackLinkFailure, SlackMessage, SlackUserLink } from '../../db/entities/slack.js';
import {
  approveUpdate,
  raiseDeficiencyUpdate,
  rejectUpdate,
  stateQuery,
  type ApplicationState,
  type OfficerCardView,
  type OfficerRef as WorkflowOfficer,
} from '../../workflows/application/contract.js';
import type { FileStatus } from '../../domain/application/file-status.js';
import { diffTabs } from '../../domain/certificate/request-diff.js';
import type {
  ApplicationCard,
  ApprovalInput,
  DecisionKind,
  DecisionResult,
  DeficiencyInput,
  LinkResult,
  MessageRef,
  OfficerIdentity,
  RejectionInput,
  SlackBackend,
} from './backend.js';
import type { StructuredLogger } from './logger.js';

export interface TemporalSlackBackendDeps {
  temporal: Client;
  /** a fresh entity manager per call */
  em: () => EntityManager;
  logger?: StructuredLogger;
  now?: () => Date;
}

/** Wrong link codes one Slack user may type before being locked out for LINK_LOCK_MS. */
export const MAX_FAILED_LINK_ATTEMPTS = 5;
const LINK_LOCK_MS = 60 * 60_000;
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
const QUEUE_QUERY_CONCURRENCY = 8;

/** Files submitted to an office (paid): what officers see, in Slack as in the API (api/drafts/access.ts). */
const VISIBLE: ReadonlySet<string> = new Set<FileStatus>(['In-Process', 'Deficient', 'Approved Pending Issuance', 'Approved', 'Rejected']);

const DOCUMENT_KIND: Record<string, string> = {
  commercial_invoice: 'Commercial invoice',
  packing_list: 'Packing list',
  bill_of_lading: 'Bill of lading',
  airway_bill: 'Airway bill',
  shipping_bill: 'Shipping bill',
  cost_sheet: 'Cost sheet',
  certificate_of_analysis: 'Certificate of analysis',
  other: 'Other document',
};

const SYSTEM_DECIDER = { officerId: 'system', name: 'CoO back-office (no response in time)' };

export function hashLinkCode(code: string): string {
  return crypto.createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}

function newLinkCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  return code;
}

interface TabsShape {
  certificateDetails?: { requestTiming?: string; invoice?: { number?: string; date?: string; currency?: string; valueInCurrency?: number; valueUsd?: number } };
  exportProducts?: { items?: { description?: string; hsCode?: string; quantity?: number; unit?: string }[] };
  attachments?: { files?: { id?: string; fileName?: string; documentType?: string; attest?: boolean }[] };
}

/**
 * The production SlackBackend: decisions are the application workflow's Updates (their validators
 * refuse a second decision and name who decided), with the bot's idempotency key as the Update ID,
 * so a redelivered click gets the first outcome back. Cards come from the read model (PostgreSQL)
 * plus the workflow's state Query (deficiency rounds, decision); mappings, link codes and message
 * references live in the slack_* tables.
 */
export class TemporalSlackBackend implements SlackBackend {
  private readonly now: () => Date;

  constructor(private readonly deps: TemporalSlackBackendDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The application workflow refreshes the channel message after every transition (refreshOfficerCard). */
  readonly channelMessageOwner = 'workflow' as const;

  /**
   * The card of the state the workflow hands over (its refreshOfficerCard activity), from the read model
   * and that view: nothing asks the workflow, which is waiting on the activity.
   */
  async cardFromView(view: Pick<OfficerCardView, 'applicationId' | 'deficiencies' | 'decision' | 'rejectionReason' | 'certificateNumber'>): Promise<ApplicationCard | null> {
    const row = await this.deps.em().findOne(ApplicationRow, { id: view.applicationId });
    if (!row || !VISIBLE.has(row.status)) return null;
    return this.cardOf(row, view);
  }

  // ---- who is clicking ----

  async officerForSlackUser(teamId: string, slackUserId: string): Promise<OfficerIdentity | null> {
    const em = this.deps.em();
    const link = await em.findOne(SlackUserLink, { slackUserId });
    if (!link || (link.teamId !== null && link.teamId !== teamId)) return null;
    const staff = await em.findOne(StaffUserRow, { id: link.staffUserId });
    if (!staff || !staff.active || staff.role !== 'officer' || !staff.officeCode) return null;
    return { officerId: staff.id, name: staff.name, officeCode: staff.officeCode };
  }

  async refusalForSlackUser(teamId: string, slackUserId: string): Promise<string | null> {
    const em = this.deps.em();
    const link = await em.findOne(SlackUserLink, { slackUserId });
    if (!link || (link.teamId !== null && link.teamId !== teamId)) return null;
    const staff = await em.findOne(StaffUserRow, { id: link.staffUserId });
    const refusal = await officerRefusal(em, staff, link.staffUserId);
    return refusal && refusal.code === ErrorCode.AccountDeactivated ? refusal.message : null;
  }

  async linkSlackUser(input: { teamId: string; slackUserId: string; code: string }): Promise<LinkResult> {
    const em = this.deps.em();
    const now = this.now();
    const who = `${input.teamId}:${input.slackUserId}`.slice(0, 50);
    const failure = await em.findOne(SlackLinkFailure, { who });
    const locked = failure && failure.failures >= MAX_FAILED_LINK_ATTEMPTS && now.getTime() - failure.firstFailureAt.getTime() < LINK_LOCK_MS;
    if (locked) {
      return { ok: false, code: 'too_many_attempts', message: 'Too many wrong codes. Ask your agency administrator for a new code, or try again in an hour.' };
    }
    const fail = async (result: Extract<LinkResult, { ok: false }>): Promise<LinkResult> => {
      const fresh = !failure || now.getTime() - failure.firstFailureAt.getTime() >= LINK_LOCK_MS;
      await em.upsert(SlackLinkFailure, { who, failures: fresh ? 1 : failure.failures + 1, firstFailureAt: fresh ? now : failure.firstFailureAt });
      return result;
    };
    const codeHash = hashLinkCode(input.code);
    const code = await em.findOne(SlackLinkCode, { codeHash });
    if (!code || code.usedAt) return fail({ ok: false, code: 'invalid', message: 'This code is unknown or was already used.' });
    if (code.expiresAt.getTime() < now.getTime()) {
      return fail({ ok: false, code: 'expired', message: 'This code has expired. Ask your agency administrator for a new one.' });
    }
    if (code.slackUserId !== null && code.slackUserId !== input.slackUserId) {
      return fail({ ok: false, code: 'wrong_user', message: 'This code was issued for another Slack user.' });
    }
    const staff = await em.findOne(StaffUserRow, { id: code.staffUserId });
    if (!staff || !staff.active || staff.role !== 'officer' || !staff.officeCode) {
      return fail({ ok: false, code: 'invalid', message: 'This code is for an account that is no longer an active officer.' });
    }
    const officer: OfficerIdentity = { officerId: staff.id, name: staff.name, officeCode: staff.officeCode };
    const linked = await em.transactional(async (tx) => {
      // single use even when two people type the same code at once
      const claimed = await tx.nativeUpdate(SlackLinkCode, { codeHash, usedAt: null }, { usedAt: now, usedBySlackUser: input.slackUserId });
      if (claimed !== 1) return false;
      await tx.nativeDelete(SlackUserLink, { $or: [{ staffUserId: staff.id }, { slackUserId: input.slackUserId }] });
      tx.create(SlackUserLink, { slackUserId: input.slackUserId, teamId: input.teamId || null, staffUserId: staff.id, via: 'code', linkedBy: code.issuedBy });
      await tx.nativeDelete(SlackLinkFailure, { who });
      return true;
    });
    if (!linked) return fail({ ok: false, code: 'invalid', message: 'This code is unknown or was already used.' });
    this.deps.logger?.info({ slackUserId: input.slackUserId, officerId: staff.id }, 'slack: account linked with a code');
    return { ok: true, officer };
  }

  // ---- administration (api/routes/slack-admin.ts) ----

  /** The administrator's direct mapping; replaces any earlier link of the staff user or the Slack user. */
  async mapSlackUser(input: { staffUserId: string; slackUserId: string; teamId?: string | undefined; by: string }): Promise<SlackUserLink> {
    return this.deps.em().transactional(async (tx) => {
      await tx.nativeDelete(SlackUserLink, { $or: [{ staffUserId: input.staffUserId }, { slackUserId: input.slackUserId }] });
      return tx.create(SlackUserLink, { slackUserId: input.slackUserId, teamId: input.teamId ?? null, staffUserId: input.staffUserId, via: 'admin', linkedBy: input.by });
    });
  }

  async unlinkStaffUser(staffUserId: string): Promise<boolean> {
    return (await this.deps.em().nativeDelete(SlackUserLink, { staffUserId })) > 0;
  }

  /** A code the officer types as `/coo link <code>`; single use, expiring, optionally for one Slack user. */
  async issueLinkCode(input: { staffUserId: string; slackUserId?: string | undefined; ttlMs: number; by: string }): Promise<{ code: string; expiresAt: Date }> {
    const em = this.deps.em();
    const code = newLinkCode();
    const expiresAt = new Date(this.now().getTime() + input.ttlMs);
    em.create(SlackLinkCode, { codeHash: hashLinkCode(code), staffUserId: input.staffUserId, slackUserId: input.slackUserId ?? null, issuedBy: input.by, expiresAt });
    await em.flush();
    if (input.slackUserId) await em.nativeDelete(SlackLinkFailure, { who: { $like: `%:${input.slackUserId}` } });
    return { code, expiresAt };
  }

  async setOfficeChannel(officeCode: string, channel: string | null): Promise<void> {
    await this.deps.em().nativeUpdate(AgencyOfficeRow, { code: officeCode }, { slackChannel: channel });
  }

  // ---- what the bot shows ----

  async getCard(number: string): Promise<ApplicationCard | null> {
    const wanted = number.trim().toUpperCase();
    if (wanted === '') return null;
    const row = await this.deps.em().findOne(ApplicationRow, { $or: [{ number: wanted }, { fileNumber: wanted }] });
    if (!row || !VISIBLE.has(row.status)) return null;
    return this.cardOf(row, await this.liveState(row));
  }

  async pendingQueue(officer: OfficerIdentity): Promise<ApplicationCard[]> {
    const rows = await this.deps.em().find(ApplicationRow, { officeCode: officer.officeCode, status: 'In-Process' }, { orderBy: { statusChangedAt: 'asc' }, limit: 100 });
    const cards: ApplicationCard[] = [];
    for (let i = 0; i < rows.length; i += QUEUE_QUERY_CONCURRENCY) {
      const batch = rows.slice(i, i + QUEUE_QUERY_CONCURRENCY);
      cards.push(
        ...(await Promise.all(
          batch.map(async (row) => {
            // the queue still shows the file when its workflow cannot be asked; only its rounds are missing
            const state = await this.liveState(row).catch((error: unknown) => {
              this.deps.logger?.warn({ err: error, applicationNumber: row.number }, 'slack: queue card without workflow state');
              return undefined;
            });
            return this.cardOf(row, state);
          }),
        )),
      );
    }
    return cards;
  }

  async channelForOffice(officeCode: string): Promise<string | null> {
    const office = await this.deps.em().findOne(AgencyOfficeRow, { code: officeCode });
    return office?.slackChannel ?? null;
  }

  async saveMessageRef(applicationNumber: string, ref: MessageRef): Promise<void> {
    const now = this.now();
    await this.deps.em().upsert(SlackMessage, { applicationNumber, channel: ref.channel, ts: ref.ts, createdAt: now, updatedAt: now }, { onConflictFields: ['applicationNumber'], onConflictMergeFields: ['channel', 'ts', 'updatedAt'] });
  }

  async getMessageRef(applicationNumber: string): Promise<MessageRef | null> {
    const m = await this.deps.em().findOne(SlackMessage, { applicationNumber });
    return m?.channel && m.ts ? { channel: m.channel, ts: m.ts } : null;
  }

  // ---- decisions: the workflow's Updates ----

  approve(applicationNumber: string, officer: OfficerIdentity, idempotencyKey: string, input?: ApprovalInput): Promise<DecisionResult> {
    const declineAttestation = input?.declineAttestation ?? [];
    return this.decide(applicationNumber, officer, idempotencyKey, (handle, ref) =>
      handle.executeUpdate(approveUpdate, { args: [{ ...ref, ...(declineAttestation.length ? { declineAttestation } : {}) }], updateId: idempotencyKey }),
    );
  }

  raiseDeficiency(applicationNumber: string, officer: OfficerIdentity, input: DeficiencyInput, idempotencyKey: string): Promise<DecisionResult> {
    return this.decide(applicationNumber, officer, idempotencyKey, (handle, ref) =>
      handle.executeUpdate(raiseDeficiencyUpdate, { args: [{ ...ref, remarks: input.remarks, documentsRequested: input.documentsRequested }], updateId: idempotencyKey }),
    );
  }

  reject(applicationNumber: string, officer: OfficerIdentity, input: RejectionInput, idempotencyKey: string): Promise<DecisionResult> {
    return this.decide(applicationNumber, officer, idempotencyKey, (handle, ref) =>
      handle.executeUpdate(rejectUpdate, { args: [{ ...ref, reason: input.reason }], updateId: idempotencyKey }),
    );
  }

  private async decide(
    applicationNumber: string,
    officer: OfficerIdentity,
    idempotencyKey: string,
    run: (handle: ReturnType<Client['workflow']['getHandle']>, ref: WorkflowOfficer) => Promise<ApplicationState>,
  ): Promise<DecisionResult> {
    const row = await this.deps.em().findOne(ApplicationRow, { number: applicationNumber });
    if (!row || !VISIBLE.has(row.status)) return { ok: false, code: 'not_found', message: `No application numbered ${applicationNumber}.` };
    const handle = this.deps.temporal.workflow.getHandle(fileWorkflowOf(row).workflowId);
    const ref: WorkflowOfficer = { officerId: officer.officerId, name: officer.name, officeCode: officer.officeCode, channel: 'slack' };
    let state: ApplicationState;
    try {
      state = await run(handle, ref);
    } catch (error) {
      return this.refusal(row, error, idempotencyKey);
    }
    const fresh = (await this.deps.em().findOne(ApplicationRow, { id: row.id })) ?? row;
    return { ok: true, card: await this.cardOf(fresh, state) };
  }

  /** A refused Update becomes the port's refusal; anything else (Temporal unreachable) is thrown. */
  private async refusal(row: ApplicationRow, error: unknown, idempotencyKey: string): Promise<DecisionResult> {
    const failure = error instanceof WorkflowUpdateFailedError ? findApplicationFailure(error.cause) : undefined;
    if (!failure && !(error instanceof WorkflowNotFoundError)) throw error;
    const state = await this.liveState(row);
    if (failure?.type === ErrorCode.Forbidden) return { ok: false, code: 'forbidden', message: failure.message };
    if (failure?.type === ErrorCode.ValidationFailed) return { ok: false, code: 'validation_failed', message: failure.message };
    const d = state?.decision;
    if (d && (failure?.type === ErrorCode.AlreadyDecided || failure === undefined)) {
      return {
        ok: false,
        code: 'already_decided',
        message: failure?.message ?? `${d.by.name} already decided this file.`,
        decision: d.kind as DecisionKind,
        decidedBy: { officerId: d.by.id, name: d.by.name },
      };
    }
    this.deps.logger?.info({ applicationNumber: row.number, idempotencyKey, refusal: failure?.type ?? 'workflow_closed' }, 'slack: decision refused by the workflow');
    const status = state?.status ?? row.status;
    return { ok: false, code: 'illegal_transition', message: failure?.message ?? `Only a file In-Process can be decided; this one is ${status}.` };
  }

  /** The workflow's state, or undefined when the application has no workflow (a draft). */
  private async liveState(row: Pick<ApplicationRow, 'kind' | 'number'>): Promise<ApplicationState | undefined> {
    try {
      return await this.deps.temporal.workflow.getHandle(fileWorkflowOf(row).workflowId).query(stateQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  private cardOf(row: ApplicationRow, state: Pick<ApplicationState, 'deficiencies' | 'decision' | 'rejectionReason' | 'certificateNumber'> | undefined): Promise<ApplicationCard> {
    return buildCard(this.deps.em(), row, state);
  }
}

/** Everything the message shows: read model + reference data + the workflow's rounds and decision. */
async function buildCard(em: EntityManager, row: ApplicationRow, state: Pick<ApplicationState, 'deficiencies' | 'decision' | 'rejectionReason' | 'certificateNumber'> | undefined): Promise<ApplicationCard> {
  const [iec, agreement, agency, office, responseFiles, signatures] = await Promise.all([
    em.findOne(IecRecord, { iec: row.iec }),
    row.agreementCode ? em.findOne(TradeAgreementRow, { code: row.agreementCode }) : null,
    row.agencyCode ? em.findOne(IssuingAgencyRow, { code: row.agencyCode }) : null,
    row.officeCode ? em.findOne(AgencyOfficeRow, { code: row.officeCode }) : null,
    // only the files of signed responses: an unsigned attempt or a superseded reply never reaches the officer
    em.find(AttachmentRow, { applicationId: row.id, purpose: 'deficiency-response', submitted: true }, { orderBy: { createdAt: 'asc' } }),
    // how each signed version was signed (DSC, Aadhaar eSign, a signed e-mail)
    em.find(SignedVersion, { applicationId: row.id }, { orderBy: { id: 'asc' }, fields: ['purpose', 'round', 'method', 'signerName'] }),
  ]);
  const submission = signatures.filter((v) => v.purpose === 'submission').at(-1);
  const responseSignature = (round: number) => signatures.filter((v) => v.purpose !== 'submission' && v.round === round).at(-1)?.method;
  const tabs = (row.tabs ?? {}) as TabsShape;
  const invoice = tabs.certificateDetails?.invoice ?? {};
  const decision = state?.decision && state.decision.kind !== 'deficiency' ? state.decision : undefined;
  const status = row.status;
  const card: ApplicationCard = {
    applicationNumber: row.number,
    ...(row.fileNumber ? { fileNumber: row.fileNumber } : {}),
    status,
    exporter: { iec: row.iec, name: iec?.firmName ?? row.iec },
    agreement: { code: row.agreementCode ?? '', title: agreement?.title ?? row.agreementCode ?? '' },
    agency: { code: row.agencyCode ?? '', name: agency?.name ?? row.agencyCode ?? '' },
    office: { code: row.officeCode ?? '', name: office?.name ?? row.officeCode ?? '' },
    invoice: {
      number: invoice.number ?? row.invoiceNumber ?? '',
      date: invoice.date ?? '',
      currency: invoice.currency ?? 'USD',
      value: invoice.valueInCurrency ?? 0,
      valueUsd: invoice.valueUsd ?? row.invoiceValueUsd ?? 0,
    },
    ...(tabs.certificateDetails?.requestTiming === 'after_shipment'
      ? { afterShipment: agreement?.data.retrospectiveIssue ? { mark: agreement.data.retrospectiveIssue.mark } : {} }
      : {}),
    goods: (tabs.exportProducts?.items ?? []).map((i) => ({ description: i.description ?? '', hsCode: i.hsCode ?? '', quantity: i.quantity ?? 0, unit: i.unit ?? '' })),
    attachments: [
      ...(tabs.attachments?.files ?? []).map((f) => ({
        name: f.fileName ?? '',
        kind: DOCUMENT_KIND[f.documentType ?? 'other'] ?? 'Document',
        ...(f.id ? { id: f.id } : {}),
        ...(f.attest ? { attest: true } : {}),
      })),
      ...responseFiles.map((f) => ({ name: f.fileName, kind: `Deficiency response${f.round ? `, round ${f.round}` : ''}` })),
    ],
    deficiencies: (state?.deficiencies ?? []).map((d) => ({
      round: d.round,
      raisedAt: d.raisedAt,
      raisedBy: { officerId: d.raisedBy.id, name: d.raisedBy.name },
      remarks: d.remarks,
      documentsRequested: d.documentsRequested,
      ...(d.response
        ? {
            response: {
              at: d.response.at,
              kind: d.response.kind,
              ...(d.response.clarification ? { text: d.response.clarification } : {}),
              ...((d.response.signatureMethod ?? responseSignature(d.round)) ? { signatureMethod: (d.response.signatureMethod ?? responseSignature(d.round))! } : {}),
            },
          }
        : {}),
    })),
    ...(row.submittedAt ? { submittedAt: row.submittedAt.toISOString() } : {}),
    ...(submission ? { signature: { method: submission.method, ...(submission.signerName ? { signerName: submission.signerName } : {}) } } : {}),
    waitingSince: row.statusChangedAt.toISOString(),
  };
  if (status === 'Approved Pending Issuance' || status === 'Approved' || status === 'Rejected') {
    if (decision) {
      card.decidedBy = { officerId: decision.by.id, name: decision.by.name };
      card.decidedAt = decision.at;
    } else if (status === 'Rejected') {
      card.decidedBy = SYSTEM_DECIDER;
      if (row.decidedAt) card.decidedAt = row.decidedAt.toISOString();
    }
  }
  const reason = state?.rejectionReason ?? row.rejectionReason;
  if (status === 'Rejected' && reason) card.rejectionReason = reason;
  const certificate = row.certificateNumber ?? state?.certificateNumber;
  if (status === 'Approved' && certificate) card.certificateNumber = certificate;
  if (row.kind !== 'application' && row.originalCertificateNumber) {
    const original = await em.findOne(CertificateRow, { number: row.originalCertificateNumber });
    const supporting = await em.find(AttachmentRow, { applicationId: row.id, purpose: 'supporting-document' }, { orderBy: { createdAt: 'asc' } });
    card.attachments.push(...supporting.map((f) => ({ name: f.fileName, kind: 'Supporting document' })));
    card.request = {
      kind: row.kind,
      originalCertificateNumber: row.originalCertificateNumber,
      reason: row.requestReason ?? '',
      changes: row.kind === 'in-lieu' && original ? diffTabs((original.document as { tabs?: Record<string, unknown> }).tabs ?? {}, row.tabs) : [],
    };
  }
  return card;
}
