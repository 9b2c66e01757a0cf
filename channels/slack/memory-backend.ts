import { randomInt } from 'node:crypto';
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

export interface RecordedDecision {
  kind: DecisionKind;
  applicationNumber: string;
  officerId: string;
  idempotencyKey: string;
  at: string;
}

interface LinkCode {
  officerId: string;
  slackUserId: string | undefined;
  expiresAt: number;
}

const MAX_FAILED_LINK_ATTEMPTS = 5;
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

/**
 * In-memory SlackBackend for tests and local demos. It enforces the rules the application
 * workflow's Update validators enforce: decisions only from In-Process, one decision per round,
 * a second decision refused with who made the first, officers act only on their office's files,
 * and a repeated idempotency key returns the first result.
 */
export class MemorySlackBackend implements SlackBackend {
  readonly decisions: RecordedDecision[] = [];
  private readonly cards = new Map<string, ApplicationCard>();
  private readonly officers = new Map<string, OfficerIdentity>();
  private readonly slackUsers = new Map<string, string>();
  private readonly linkCodes = new Map<string, LinkCode>();
  private readonly failedLinkAttempts = new Map<string, number>();
  private readonly officeChannels = new Map<string, string>();
  private readonly messageRefs = new Map<string, MessageRef>();
  private readonly results = new Map<string, DecisionResult>();
  private readonly now: () => Date;

  constructor(opts: { now?: () => Date } = {}) {
    this.now = opts.now ?? (() => new Date());
  }

  // ---- set-up, as the agency administrator and the workflow would ----

  addCard(card: ApplicationCard): void {
    this.cards.set(card.applicationNumber, structuredClone(card));
  }

  addOfficer(officer: OfficerIdentity): void {
    this.officers.set(officer.officerId, { ...officer });
  }

  /** The administrator's direct mapping (no code). */
  mapSlackUser(teamId: string, slackUserId: string, officerId: string): void {
    if (!this.officers.has(officerId)) throw new Error(`unknown officer ${officerId}`);
    this.slackUsers.set(`${teamId}:${slackUserId}`, officerId);
  }

  /** A one-time code the officer types as `/coo link <code>`; optionally only for one Slack user. */
  issueLinkCode(officerId: string, opts: { slackUserId?: string; ttlMs?: number } = {}): string {
    if (!this.officers.has(officerId)) throw new Error(`unknown officer ${officerId}`);
    let code = '';
    for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    this.linkCodes.set(code, {
      officerId,
      slackUserId: opts.slackUserId,
      expiresAt: this.now().getTime() + (opts.ttlMs ?? 15 * 60_000),
    });
    return code;
  }

  setOfficeChannel(officeCode: string, channel: string): void {
    this.officeChannels.set(officeCode, channel);
  }

  /** The exporter answered a deficiency: the file returns to the officers (seed 004). */
  respondToDeficiency(applicationNumber: string, response: { kind: 'edit' | 'clarification'; text?: string }): ApplicationCard {
    const card = this.mustGet(applicationNumber);
    const last = card.deficiencies.at(-1);
    if (card.status !== 'Deficient' || !last) throw new Error(`${applicationNumber} is not Deficient`);
    const at = this.now().toISOString();
    last.response = { at, kind: response.kind, ...(response.text === undefined ? {} : { text: response.text }) };
    card.status = 'In-Process';
    card.waitingSince = at;
    return structuredClone(card);
  }

  /** The certificate was signed and issued. */
  issue(applicationNumber: string, certificateNumber: string): ApplicationCard {
    const card = this.mustGet(applicationNumber);
    if (card.status !== 'Approved Pending Issuance') throw new Error(`${applicationNumber} is not approved`);
    card.status = 'Approved';
    card.certificateNumber = certificateNumber;
    card.waitingSince = this.now().toISOString();
    return structuredClone(card);
  }

  card(applicationNumber: string): ApplicationCard {
    return structuredClone(this.mustGet(applicationNumber));
  }

  // ---- the port ----

  async officerForSlackUser(teamId: string, slackUserId: string): Promise<OfficerIdentity | null> {
    await tick();
    const officerId = this.slackUsers.get(`${teamId}:${slackUserId}`);
    const officer = officerId === undefined ? undefined : this.officers.get(officerId);
    return officer ? { ...officer } : null;
  }

  async linkSlackUser(input: { teamId: string; slackUserId: string; code: string }): Promise<LinkResult> {
    await tick();
    const who = `${input.teamId}:${input.slackUserId}`;
    const failed = this.failedLinkAttempts.get(who) ?? 0;
    if (failed >= MAX_FAILED_LINK_ATTEMPTS) {
      return { ok: false, code: 'too_many_attempts', message: 'Too many wrong codes. Ask your agency administrator for a new code.' };
    }
    const code = input.code.trim().toUpperCase();
    const entry = this.linkCodes.get(code);
    const fail = (result: LinkResult): LinkResult => {
      this.failedLinkAttempts.set(who, failed + 1);
      return result;
    };
    if (!entry) return fail({ ok: false, code: 'invalid', message: 'This code is unknown or was already used.' });
    if (entry.expiresAt < this.now().getTime()) {
      this.linkCodes.delete(code);
      return fail({ ok: false, code: 'expired', message: 'This code has expired. Ask your agency administrator for a new one.' });
    }
    if (entry.slackUserId !== undefined && entry.slackUserId !== input.slackUserId) {
      return fail({ ok: false, code: 'wrong_user', message: 'This code was issued for another Slack user.' });
    }
    const officer = this.officers.get(entry.officerId);
    if (!officer) return fail({ ok: false, code: 'invalid', message: 'This code is unknown or was already used.' });
    this.linkCodes.delete(code);
    this.failedLinkAttempts.delete(who);
    for (const [key, officerId] of this.slackUsers) {
      if (officerId === officer.officerId && key.startsWith(`${input.teamId}:`)) this.slackUsers.delete(key);
    }
    this.slackUsers.set(who, officer.officerId);
    return { ok: true, officer: { ...officer } };
  }

  async getCard(number: string): Promise<ApplicationCard | null> {
    await tick();
    const wanted = number.trim().toUpperCase();
    for (const card of this.cards.values()) {
      if (card.applicationNumber.toUpperCase() === wanted || card.fileNumber?.toUpperCase() === wanted) {
        return structuredClone(card);
      }
    }
    return null;
  }

  /** the attestation choices each approval carried, by application number */
  readonly approvals = new Map<string, ApprovalInput | undefined>();

  async approve(applicationNumber: string, officer: OfficerIdentity, idempotencyKey: string, input?: ApprovalInput): Promise<DecisionResult> {
    await tick();
    this.approvals.set(applicationNumber, input);
    return this.decide('approve', applicationNumber, officer, idempotencyKey, (card, at) => {
      card.status = 'Approved Pending Issuance';
      card.decidedBy = { officerId: officer.officerId, name: officer.name };
      card.decidedAt = at;
      card.waitingSince = at;
    });
  }

  async raiseDeficiency(
    applicationNumber: string,
    officer: OfficerIdentity,
    input: DeficiencyInput,
    idempotencyKey: string,
  ): Promise<DecisionResult> {
    await tick();
    if (input.remarks.trim() === '') {
      return { ok: false, code: 'validation_failed', message: 'A deficiency needs remarks for the exporter.' };
    }
    return this.decide('deficiency', applicationNumber, officer, idempotencyKey, (card, at) => {
      card.deficiencies.push({
        round: card.deficiencies.length + 1,
        raisedAt: at,
        raisedBy: { officerId: officer.officerId, name: officer.name },
        remarks: input.remarks,
        documentsRequested: [...input.documentsRequested],
      });
      card.status = 'Deficient';
      card.waitingSince = at;
    });
  }

  async reject(
    applicationNumber: string,
    officer: OfficerIdentity,
    input: RejectionInput,
    idempotencyKey: string,
  ): Promise<DecisionResult> {
    await tick();
    if (input.reason.trim() === '') {
      return { ok: false, code: 'validation_failed', message: 'A rejection needs a reason.' };
    }
    return this.decide('reject', applicationNumber, officer, idempotencyKey, (card, at) => {
      card.status = 'Rejected';
      card.rejectionReason = input.reason;
      card.decidedBy = { officerId: officer.officerId, name: officer.name };
      card.decidedAt = at;
      card.waitingSince = at;
    });
  }

  async pendingQueue(officer: OfficerIdentity): Promise<ApplicationCard[]> {
    await tick();
    return [...this.cards.values()]
      .filter((c) => c.status === 'In-Process' && c.office.code === officer.officeCode)
      .map((c) => structuredClone(c));
  }

  async channelForOffice(officeCode: string): Promise<string | null> {
    return this.officeChannels.get(officeCode) ?? null;
  }

  async saveMessageRef(applicationNumber: string, ref: MessageRef): Promise<void> {
    this.messageRefs.set(applicationNumber, { ...ref });
  }

  async getMessageRef(applicationNumber: string): Promise<MessageRef | null> {
    const ref = this.messageRefs.get(applicationNumber);
    return ref ? { ...ref } : null;
  }

  // ---- rules ----

  /** Synchronous from the first read to the last write, so concurrent calls cannot interleave. */
  private decide(
    kind: DecisionKind,
    applicationNumber: string,
    officer: OfficerIdentity,
    idempotencyKey: string,
    apply: (card: ApplicationCard, at: string) => void,
  ): DecisionResult {
    const previous = this.results.get(idempotencyKey);
    if (previous) return structuredClone(previous);
    const card = this.cards.get(applicationNumber);
    if (!card) return { ok: false, code: 'not_found', message: `No application numbered ${applicationNumber}.` };
    if (officer.officeCode !== card.office.code) {
      return {
        ok: false,
        code: 'forbidden',
        message: `${applicationNumber} belongs to ${card.office.name}; only its officers can decide it.`,
      };
    }
    if (card.status !== 'In-Process') return refusalFor(card);
    const at = this.now().toISOString();
    apply(card, at);
    this.decisions.push({ kind, applicationNumber, officerId: officer.officerId, idempotencyKey, at });
    const result: DecisionResult = { ok: true, card: structuredClone(card) };
    this.results.set(idempotencyKey, result);
    return structuredClone(result);
  }

  private mustGet(applicationNumber: string): ApplicationCard {
    const card = this.cards.get(applicationNumber);
    if (!card) throw new Error(`unknown application ${applicationNumber}`);
    return card;
  }
}

function refusalFor(card: ApplicationCard): DecisionResult {
  const number = card.applicationNumber;
  if ((card.status === 'Approved Pending Issuance' || card.status === 'Approved') && card.decidedBy) {
    return {
      ok: false,
      code: 'already_decided',
      decision: 'approve',
      decidedBy: { ...card.decidedBy },
      message: `${number} was already approved by ${card.decidedBy.name}.`,
    };
  }
  if (card.status === 'Rejected' && card.decidedBy) {
    return {
      ok: false,
      code: 'already_decided',
      decision: 'reject',
      decidedBy: { ...card.decidedBy },
      message: `${number} was already rejected by ${card.decidedBy.name}.`,
    };
  }
  const round = card.deficiencies.at(-1);
  if (card.status === 'Deficient' && round) {
    return {
      ok: false,
      code: 'already_decided',
      decision: 'deficiency',
      decidedBy: { ...round.raisedBy },
      message: `${round.raisedBy.name} already raised a deficiency on ${number}; it waits for the exporter.`,
    };
  }
  return {
    ok: false,
    code: 'illegal_transition',
    message: `${number} is ${card.status}; only files In-Process can be decided.`,
  };
}

/** Yields to the event loop like a network call would, so concurrent requests really overlap. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
