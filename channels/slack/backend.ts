/**
 * The port the Slack bot depends on. The bot never changes an application itself: every decision
 * goes through `approve` / `raiseDeficiency` / `reject`, which the production implementation maps
 * onto the application workflow's Updates (their validators refuse illegal transitions and second
 * decisions). Reads (cards, queues, message references, officer mappings) come from the read model.
 */

import type { ApplicationStatus } from '../../domain/application/file-status.js';
import type { ErrorCode } from '../../lib/errors.js';
export type { ApplicationStatus };

/** Who did something, as shown to people ("Approved by A. Sharma") and compared by id ("you"). */
export interface OfficerRef {
  officerId: string;
  name: string;
}

export interface DeficiencyRound {
  round: number;
  /** ISO 8601 */
  raisedAt: string;
  raisedBy: OfficerRef;
  remarks: string;
  documentsRequested: string[];
  /** The exporter's answer (seed 004): an edited application, or a clarification without edits. */
  response?: { at: string; kind: 'edit' | 'clarification'; text?: string; signatureMethod?: string };
}

/** Everything the bot shows about one application; produced by the read model / a workflow Query. */
export interface ApplicationCard {
  applicationNumber: string;
  /** Set once paid and sent to the office (e.g. HQRCCOAPPLY00000019AM25). */
  fileNumber?: string;
  status: ApplicationStatus;
  exporter: { iec: string; name: string };
  agreement: { code: string; title: string };
  agency: { code: string; name: string };
  office: { code: string; name: string };
  invoice: { number: string; date: string; currency: string; value: number; valueUsd: number };
  /** Requested after shipment (seed 001): the certificate is issued retrospectively, with the agreement's mark where its form has one. */
  afterShipment?: { mark?: string };
  goods: { description: string; hsCode: string; quantity: number; unit: string }[];
  /** `attest`: the exporter asked the officer to attest it (tab 6); `id` to name it in the approval */
  attachments: { name: string; kind: string; id?: string; attest?: boolean }[];
  deficiencies: DeficiencyRound[];
  /** ISO 8601: when the application reached the office. */
  submittedAt?: string;
  /** How the exporter signed what the office reviews (the submission): 'dsc', 'esign', and the verified name. */
  signature?: { method: string; signerName?: string };
  /** Approval or rejection (a deficiency is recorded in its round instead). */
  decidedBy?: OfficerRef;
  decidedAt?: string;
  rejectionReason?: string;
  certificateNumber?: string;
  /** ISO 8601: since when the file has been waiting in its current status (queue age, reminders). */
  waitingSince?: string;
  /**
   * A request for a duplicate / in-lieu certificate: what it asks for, why, its supporting documents and,
   * in lieu, each corrected field with the original value.
   */
  request?: {
    kind: 'duplicate' | 'in-lieu';
    originalCertificateNumber: string;
    reason: string;
    changes: { path: string; tab: string; before?: unknown; after?: unknown }[];
  };
}

export type DecisionKind = 'approve' | 'deficiency' | 'reject';

/** The error codes (lib/errors.ts) a refused decision carries in Slack. */
export type DecisionFailureCode = Extract<ErrorCode, 'already_decided' | 'illegal_transition' | 'not_found' | 'forbidden' | 'validation_failed'>;

export type DecisionResult =
  | { ok: true; card: ApplicationCard }
  | {
      ok: false;
      code: DecisionFailureCode;
      /** A sentence a person understands; shown as is when the bot has nothing more specific. */
      message: string;
      /** For `already_decided`: the decision that won and who made it. */
      decision?: DecisionKind;
      decidedBy?: OfficerRef;
    };

export interface OfficerIdentity extends OfficerRef {
  officeCode: string;
}

export type LinkResult =
  | { ok: true; officer: OfficerIdentity }
  | {
      ok: false;
      /** invalid: unknown or already used; expired: too old; wrong_user: issued for another Slack user. */
      code: 'invalid' | 'expired' | 'wrong_user' | 'too_many_attempts';
      message: string;
    };

export interface MessageRef {
  channel: string;
  ts: string;
}

export interface DeficiencyInput {
  remarks: string;
  documentsRequested: string[];
}

/** An approval from the modal: the attachments marked "Attest" left unticked, each with the remark. */
export interface ApprovalInput {
  declineAttestation: { attachmentId: string; remark: string }[];
}

/** The attachments of a card the exporter marked "Attest". */
export function attachmentsToAttest(card: ApplicationCard): { id: string; name: string; kind: string }[] {
  return card.attachments.flatMap((a) => (a.attest && a.id ? [{ id: a.id, name: a.name, kind: a.kind }] : []));
}

export interface RejectionInput {
  reason: string;
}

export interface SlackBackend {
  /**
   * Who rewrites the channel message after a decision. 'workflow': the application workflow refreshes it
   * after every transition (its refreshOfficerCard activity), and the bot leaves it alone so an older
   * card never lands after a newer one. 'bot' (a backend without workflows): the bot renders the card
   * the decision returns.
   */
  readonly channelMessageOwner?: 'workflow' | 'bot';
  /** The officer a Slack user is linked to, or null (the bot then refuses every action). */
  officerForSlackUser(teamId: string, slackUserId: string): Promise<OfficerIdentity | null>;
  /**
   * Why a Slack user is not an officer the bot can act for, when it is more than "not linked" (the linked
   * officer's account is deactivated: "Your officer account is deactivated: …"); null to say "not linked".
   */
  refusalForSlackUser?(teamId: string, slackUserId: string): Promise<string | null>;
  /**
   * Linking flow: the agency administrator issues a one-time code for an officer (through the API,
   * optionally bound to one Slack user); the officer proves who they are by typing `/coo link <code>`.
   * The implementation consumes the code (single use), checks its age, and limits failed attempts.
   */
  linkSlackUser(input: { teamId: string; slackUserId: string; code: string }): Promise<LinkResult>;
  /** Looks an application up by its application number or its file number. */
  getCard(number: string): Promise<ApplicationCard | null>;
  /**
   * Decisions. `idempotencyKey` identifies one human action (one click, one modal submission):
   * the same key must yield the same result (use it as the Temporal Update ID), a different key
   * on a decided file yields `already_decided` with who decided.
   */
  /** `input`: the attestation choices, when the file has attachments marked "Attest" (default: attest them all) */
  approve(applicationNumber: string, officer: OfficerIdentity, idempotencyKey: string, input?: ApprovalInput): Promise<DecisionResult>;
  raiseDeficiency(
    applicationNumber: string,
    officer: OfficerIdentity,
    input: DeficiencyInput,
    idempotencyKey: string,
  ): Promise<DecisionResult>;
  reject(
    applicationNumber: string,
    officer: OfficerIdentity,
    input: RejectionInput,
    idempotencyKey: string,
  ): Promise<DecisionResult>;
  /** Files of the officer's office waiting for a decision (In-Process). The bot sorts them. */
  pendingQueue(officer: OfficerIdentity): Promise<ApplicationCard[]>;
  /** Slack channel ID of an office (configured by the agency administrator), or null. */
  channelForOffice(officeCode: string): Promise<string | null>;
  /** Where the application's channel message is, so it can be updated in place. */
  saveMessageRef(applicationNumber: string, ref: MessageRef): Promise<void>;
  getMessageRef(applicationNumber: string): Promise<MessageRef | null>;
}
