/**
 * The helpdesk bot's backend over the ticket workflows (Updates, the Update ID being the Slack action's
 * idempotency key, so a redelivered click or a resubmitted modal gets the first result) and the read model.
 * Slack users are matched to staff users by the e-mail Slack knows for them (users.lookupByEmail), or
 * by an explicit map (HELPDESK_SLACK_STAFF) when the two e-mails differ.
 */
import { findApplicationFailure } from '../../lib/workflow-failure.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { webApi } from '@slack/bolt';
import { StaffUserRow } from '../../db/entities/index.js';
import { loadTicketCard } from '../../services/helpdesk/ticket-card.js';
import {
  helpdeskTicketWorkflowId,
  liftFreezeUpdate,
  replyTicketUpdate,
  resolveTicketUpdate,
  takeTicketUpdate,
  type StaffRef,
} from '../../workflows/helpdesk-ticket/contract.js';
import type { ActionResult, HelpdeskBackend } from './backend.js';
import type { TicketCard } from './blocks.js';

const CACHE_MS = 5 * 60_000;

export class TemporalHelpdeskBackend implements HelpdeskBackend {
  private readonly bySlackUser = new Map<string, { staff: StaffRef | null; at: number }>();

  constructor(
    private readonly deps: {
      temporal: Client;
      em: () => EntityManager;
      /** for users.lookupByEmail */
      slack: webApi.WebClient;
      /** Slack user ID → staff user id, for staff whose Slack e-mail differs */
      staffMap?: Record<string, string>;
    },
  ) {}

  private static ref(s: StaffUserRow): StaffRef {
    return { id: s.id, name: s.name, role: s.role, channel: 'slack' };
  }

  async staffForSlackUser(teamId: string, slackUserId: string): Promise<StaffRef | null> {
    const cacheKey = `${teamId}:${slackUserId}`;
    const hit = this.bySlackUser.get(cacheKey);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.staff;
    const em = this.deps.em();
    let staff: StaffRef | null = null;
    const mapped = this.deps.staffMap?.[slackUserId];
    if (mapped) {
      const row = await em.findOne(StaffUserRow, { id: mapped, active: true });
      staff = row ? TemporalHelpdeskBackend.ref(row) : null;
    } else {
      for (const row of await em.find(StaffUserRow, { active: true }, { orderBy: { id: 'asc' } })) {
        try {
          const r = await this.deps.slack.users.lookupByEmail({ email: row.email });
          if (r.user?.id === slackUserId) {
            staff = TemporalHelpdeskBackend.ref(row);
            break;
          }
        } catch {
          // users_not_found: this staff user is not in the workspace
        }
      }
    }
    this.bySlackUser.set(cacheKey, { staff, at: Date.now() });
    return staff;
  }

  card(ticketNumber: string): Promise<TicketCard | null> {
    return loadTicketCard(this.deps.em(), ticketNumber);
  }

  private async update(ticketNumber: string, run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<unknown>): Promise<ActionResult> {
    try {
      await run(this.deps.temporal.workflow.getHandle(helpdeskTicketWorkflowId(ticketNumber)));
      return { ok: true };
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) return { ok: false, code: 'illegal_transition', message: `Ticket ${ticketNumber} is closed.` };
      const f = findApplicationFailure(e);
      if (e instanceof WorkflowUpdateFailedError && f) return { ok: false, code: f.type ?? 'conflict', message: f.message };
      throw e;
    }
  }

  take(ticketNumber: string, staff: StaffRef, key: string): Promise<ActionResult> {
    return this.update(ticketNumber, (h) => h.executeUpdate(takeTicketUpdate, { args: [staff], updateId: key }));
  }

  reply(ticketNumber: string, staff: StaffRef, input: { body: string; resolve: boolean }, key: string): Promise<ActionResult> {
    return this.update(ticketNumber, (h) => h.executeUpdate(replyTicketUpdate, { args: [{ staff, body: input.body, resolve: input.resolve }], updateId: key }));
  }

  resolve(ticketNumber: string, staff: StaffRef, key: string): Promise<ActionResult> {
    return this.update(ticketNumber, (h) => h.executeUpdate(resolveTicketUpdate, { args: [{ staff }], updateId: key }));
  }

  async liftFreeze(ticketNumber: string, staff: StaffRef, input: { userId: string; reason: string; acceptCertificateName: boolean }, key: string): Promise<ActionResult> {
    let userId = input.userId;
    const r = await this.update(ticketNumber, async (h) => {
      const res = await h.executeUpdate(liftFreezeUpdate, { args: [{ staff, userId: input.userId, reason: input.reason, acceptCertificateName: input.acceptCertificateName }], updateId: key });
      userId = res.userId;
    });
    return r.ok ? { ok: true, message: `The name-mismatch freeze of ${userId} is lifted.` } : r;
  }
}
