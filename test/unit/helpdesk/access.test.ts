import { describe, expect, it } from 'vitest';
import { helpdeskRefusal, helpdeskRolesFor, mayDoHelpdeskAction, type HelpdeskAction } from '../../../domain/helpdesk/access.js';
import { helpdeskRoutes } from '../../../api/routes/helpdesk.js';
import type { ApiDeps } from '../../../api/deps.js';
import { freezeSubjectOf } from '../../../services/helpdesk/tickets.js';
import { AppError } from '../../../lib/errors.js';

const ACTIONS: HelpdeskAction[] = ['list', 'read', 'take', 'reply', 'resolve', 'lift-freeze', 'read-mail'];

describe('who may act on helpdesk tickets', () => {
  it('helpdesk users and administrators; not officers, agency administrators or exporters', () => {
    for (const action of ACTIONS) {
      expect(mayDoHelpdeskAction(action, ['helpdesk']), action).toBe(true);
      expect(mayDoHelpdeskAction(action, ['admin']), action).toBe(true);
      expect(mayDoHelpdeskAction(action, ['exporter', 'admin']), action).toBe(true);
      for (const role of ['officer', 'agency-admin', 'exporter', '']) expect(mayDoHelpdeskAction(action, [role]), `${action} by ${role}`).toBe(false);
      expect(mayDoHelpdeskAction(action, []), action).toBe(false);
    }
  });

  it('says why not, naming the action and the account', () => {
    expect(helpdeskRefusal('resolve', ['officer'])).toBe('Only helpdesk staff can resolve tickets; your account is an officer.');
    expect(helpdeskRefusal('reply', ['agency-admin'])).toBe('Only helpdesk staff can answer tickets; your account is an agency administrator.');
    expect(helpdeskRefusal('take', ['officer'])).toBe('Only helpdesk staff can take tickets; your account is an officer.');
    expect(helpdeskRefusal('lift-freeze', ['exporter'])).toBe('Only helpdesk staff can lift a name-mismatch freeze; your account is an exporter.');
    expect(helpdeskRefusal('take', [])).toBe('Only helpdesk staff can take tickets; your account has no role.');
  });

  it('is the rule of every helpdesk API operation', () => {
    const byOperation: Record<string, HelpdeskAction> = {
      listHelpdeskTickets: 'list',
      getHelpdeskTicket: 'read',
      takeHelpdeskTicket: 'take',
      replyToHelpdeskTicket: 'reply',
      resolveHelpdeskTicket: 'resolve',
      liftNameMismatchFreezeFromTicket: 'lift-freeze',
      listInboundMail: 'read-mail',
      downloadInboundMail: 'read-mail',
    };
    const routes = helpdeskRoutes({} as ApiDeps);
    expect(routes.map((r) => r.operationId).sort()).toEqual(Object.keys(byOperation).sort());
    for (const r of routes) expect(r.auth, r.operationId).toEqual(helpdeskRolesFor(byOperation[r.operationId]!));
  });
});

describe('the user whose freeze a ticket can lift', () => {
  const refusal = (f: () => unknown): AppError => {
    try {
      f();
    } catch (e) {
      if (e instanceof AppError) return e;
      throw e;
    }
    throw new Error('not refused');
  };

  it('is the exporter user the ticket is about', () => {
    expect(freezeSubjectOf({ number: 'HD-2026-000001', exporterUserId: 'AAACR5055K-2' }, undefined)).toBe('AAACR5055K-2');
    expect(freezeSubjectOf({ number: 'HD-2026-000001', exporterUserId: 'AAACR5055K-2' }, ' AAACR5055K-2 ')).toBe('AAACR5055K-2');
  });

  it('refuses anyone else (403), and a ticket about no registered user', () => {
    const other = refusal(() => freezeSubjectOf({ number: 'HD-2026-000001', exporterUserId: 'AAACR5055K-2' }, 'AAACR5055K-1'));
    expect(other.status).toBe(403);
    expect(other.message).toBe('Ticket HD-2026-000001 is about AAACR5055K-2, not AAACR5055K-1: a freeze is lifted only from a ticket about that user.');
    for (const asked of [undefined, 'AAACR5055K-1']) {
      const none = refusal(() => freezeSubjectOf({ number: 'HD-2026-000002', exporterUserId: null }, asked));
      expect(none.status).toBe(403);
      expect(none.message).toContain('is not about a registered exporter user');
    }
  });
});
