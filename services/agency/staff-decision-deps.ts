import type { EntityManager } from '@mikro-orm/postgresql';
import nodemailer from 'nodemailer';
import { OutboxNotifier } from '../notification/notifier.js';
import type { DecisionDeps, RegistrationBoard } from './staff.js';

/**
 * What a registration decision needs, wherever it is taken (the API, the Slack bot in the API or in its own
 * process): the outbox notifier over the configured SMTP server (kept in the outbox without one), the
 * portal's address for the e-mail, and the Slack board that rewrites the request's message.
 */
export function createStaffDecisionDeps(input: {
  em: () => EntityManager;
  smtpUrl: string | undefined;
  from: string;
  portalUrl: string;
  logger: { warn(obj: object, msg: string): void };
  board?: RegistrationBoard | undefined;
}): DecisionDeps {
  const mailer = input.smtpUrl ? nodemailer.createTransport(input.smtpUrl) : nodemailer.createTransport({ jsonTransport: true });
  return {
    notifier: new OutboxNotifier({ em: input.em, mailer, from: input.from }),
    portalUrl: input.portalUrl,
    onNotifyError: (e, id) => input.logger.warn({ err: e, registrationId: id }, 'the e-mail telling the applicant of the decision could not be sent; it stays in the outbox'),
    ...(input.board ? { board: input.board } : {}),
  };
}
