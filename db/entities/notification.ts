import { defineEntity, p } from '@mikro-orm/core';

/**
 * Outbox of notifications (e-mail and SMS). The key makes a retried activity find the row it wrote,
 * so a message is sent once; `sentAt` says it went out.
 */
export const NotificationRowSchema = defineEntity({
  name: 'NotificationRow',
  tableName: 'notification',
  properties: {
    id: p.bigint().primary().autoincrement(),
    notificationKey: p.string().length(200).unique(),
    channel: p.string().length(10),
    recipient: p.string(),
    subject: p.string().nullable(),
    body: p.text(),
    messageId: p.string().nullable(),
    applicationId: p.string().length(36).nullable().index(),
    template: p.string().length(60),
    sentAt: p.datetime().nullable(),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class NotificationRow extends NotificationRowSchema.class {}
NotificationRowSchema.setClass(NotificationRow);
