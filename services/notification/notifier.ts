import type { EntityManager } from '@mikro-orm/postgresql';
import type { Transporter } from 'nodemailer';
import { NotificationRow } from '../../db/entities/index.js';

export interface OutgoingMessage {
  /** idempotency key: the same key is sent once, however often the activity is retried */
  key: string;
  channel: 'email' | 'sms';
  to: string;
  template: string;
  subject?: string;
  text: string;
  html?: string;
  applicationId?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  replyTo?: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** SMS gateway adapter; the default writes to the outbox table only (no SMS provider here). */
export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}

export interface Notifier {
  send(msg: OutgoingMessage): Promise<{ sent: boolean; duplicate: boolean }>;
  /**
   * Delivers through another channel (a Slack message) at most once per key, recorded in the same
   * outbox: `deliver` runs unless an earlier delivery with this key was recorded as sent.
   */
  once(msg: { key: string; channel: 'slack'; to: string; template: string; text: string; applicationId?: string }, deliver: () => Promise<void>): Promise<{ sent: boolean; duplicate: boolean }>;
}

/**
 * Outbox notifier: each message is a row keyed by its idempotency key before it goes out; a retried
 * activity finds the row and does not send again once `sentAt` is set. (A crash between the SMTP
 * server accepting and the row being marked can repeat one e-mail; its stable Message-ID lets mail
 * clients fold the copy.)
 */
export class OutboxNotifier implements Notifier {
  constructor(
    private readonly deps: { em: () => EntityManager; mailer: Transporter; from: string; sms?: SmsSender },
  ) {}

  async once(
    msg: { key: string; channel: 'slack'; to: string; template: string; text: string; applicationId?: string },
    deliver: () => Promise<void>,
  ): Promise<{ sent: boolean; duplicate: boolean }> {
    return this.deliverOnce(msg, async () => {
      await deliver();
      return true;
    });
  }

  async send(msg: OutgoingMessage): Promise<{ sent: boolean; duplicate: boolean }> {
    return this.deliverOnce(msg, async () => {
      if (msg.channel === 'email') {
        await this.deps.mailer.sendMail({
          from: this.deps.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          ...(msg.html ? { html: msg.html } : {}),
          ...(msg.messageId ? { messageId: msg.messageId } : {}),
          ...(msg.inReplyTo ? { inReplyTo: msg.inReplyTo } : {}),
          ...(msg.references ? { references: msg.references } : {}),
          ...(msg.replyTo ? { replyTo: msg.replyTo } : {}),
          ...(msg.attachments ? { attachments: msg.attachments } : {}),
        });
        return true;
      }
      if (this.deps.sms) {
        await this.deps.sms.send(msg.to, msg.text);
        return true;
      }
      // no SMS provider configured: the outbox row is the record, waiting for one
      return false;
    });
  }

  /** The outbox row first (keyed), then the delivery, then the row marked sent. */
  private async deliverOnce(
    msg: { key: string; channel: string; to: string; subject?: string; text: string; messageId?: string; applicationId?: string; template: string },
    deliver: () => Promise<boolean>,
  ): Promise<{ sent: boolean; duplicate: boolean }> {
    const em = this.deps.em();
    await em.getConnection().execute(
      `insert into notification (notification_key, channel, recipient, subject, body, message_id, application_id, template, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, now()) on conflict (notification_key) do nothing`,
      [msg.key, msg.channel, msg.to, msg.subject ?? null, msg.text, msg.messageId ?? null, msg.applicationId ?? null, msg.template],
    );
    const row = await em.findOneOrFail(NotificationRow, { notificationKey: msg.key });
    if (row.sentAt) return { sent: false, duplicate: true };
    try {
      if (!(await deliver())) return { sent: false, duplicate: false };
    } catch (e) {
      row.error = (e as Error).message.slice(0, 2000);
      await em.flush();
      throw e;
    }
    row.sentAt = new Date();
    row.error = null;
    await em.flush();
    return { sent: true, duplicate: false };
  }
}
