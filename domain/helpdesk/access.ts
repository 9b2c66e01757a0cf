import type { Role } from '../../lib/auth/roles.js';

/**
 * Who may do what with helpdesk tickets: one rule for the HTTP API (api/routes/helpdesk.ts), the helpdesk's
 * Slack bot (channels/slack-helpdesk) and the ticket workflow's Update validators, so a Slack account can
 * never do what the same person's token is refused over HTTP.
 */
export type HelpdeskAction = 'list' | 'read' | 'take' | 'reply' | 'resolve' | 'lift-freeze' | 'read-mail';

/** Helpdesk staff: helpdesk users and platform administrators. Officers and agency administrators are not. */
const HELPDESK_STAFF = ['helpdesk', 'admin'] as const satisfies readonly Role[];

const ROLES_FOR: Record<HelpdeskAction, readonly Role[]> = {
  list: HELPDESK_STAFF,
  read: HELPDESK_STAFF,
  take: HELPDESK_STAFF,
  reply: HELPDESK_STAFF,
  resolve: HELPDESK_STAFF,
  'lift-freeze': HELPDESK_STAFF,
  'read-mail': HELPDESK_STAFF,
};

const WHAT: Record<HelpdeskAction, string> = {
  list: 'see tickets',
  read: 'see tickets',
  take: 'take tickets',
  reply: 'answer tickets',
  resolve: 'resolve tickets',
  'lift-freeze': 'lift a name-mismatch freeze',
  'read-mail': 'see the helpdesk mailbox',
};

const ROLE_NAME: Record<string, string> = {
  exporter: 'an exporter',
  officer: 'an officer',
  'agency-admin': 'an agency administrator',
  helpdesk: 'a helpdesk user',
  admin: 'an administrator',
};

/** The roles that may do `action` (a route's `auth`). */
export function helpdeskRolesFor(action: HelpdeskAction): Role[] {
  return [...ROLES_FOR[action]];
}

/** Whether someone with these roles may do `action`. */
export function mayDoHelpdeskAction(action: HelpdeskAction, roles: readonly string[]): boolean {
  return roles.some((r) => (ROLES_FOR[action] as readonly string[]).includes(r));
}

/** "Only helpdesk staff can resolve tickets; your account is an officer." */
export function helpdeskRefusal(action: HelpdeskAction, roles: readonly string[]): string {
  const role = roles[0];
  const who = role ? `is ${ROLE_NAME[role] ?? `"${role}"`}` : 'has no role';
  return `Only helpdesk staff can ${WHAT[action]}; your account ${who}.`;
}
