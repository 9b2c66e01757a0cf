import { defineEntity, p } from '@mikro-orm/core';

/**
 * Which staff user a Slack account acts as. Set by the agency administrator (directly, or by a link
 * code the officer types as `/coo link <code>`). One Slack account per staff user: linking a new
 * account replaces the old one.
 */
export const SlackUserLinkSchema = defineEntity({
  name: 'SlackUserLink',
  tableName: 'slack_user_link',
  properties: {
    slackUserId: p.string().length(20).primary(),
    /** the workspace the link was made in; null when the administrator did not say (any workspace) */
    teamId: p.string().length(20).nullable(),
    staffUserId: p.string().length(60).unique(),
    /** 'admin' (mapped by the administrator) or 'code' (the officer typed a link code) */
    via: p.string().length(10),
    linkedBy: p.string().length(60),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class SlackUserLink extends SlackUserLinkSchema.class {}
SlackUserLinkSchema.setClass(SlackUserLink);

/** A single-use, expiring link code. Only its SHA-256 is stored: the code is a secret until used. */
export const SlackLinkCodeSchema = defineEntity({
  name: 'SlackLinkCode',
  tableName: 'slack_link_code',
  properties: {
    codeHash: p.string().length(64).primary(),
    staffUserId: p.string().length(60).index(),
    /** when set, only this Slack user may use the code */
    slackUserId: p.string().length(20).nullable(),
    issuedBy: p.string().length(60),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    usedBySlackUser: p.string().length(20).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class SlackLinkCode extends SlackLinkCodeSchema.class {}
SlackLinkCodeSchema.setClass(SlackLinkCode);

/** Wrong link codes typed by one Slack user, to stop guessing. */
export const SlackLinkFailureSchema = defineEntity({
  name: 'SlackLinkFailure',
  tableName: 'slack_link_failure',
  properties: {
    /** `<team>:<slack user>` */
    who: p.string().length(50).primary(),
    failures: p.integer(),
    firstFailureAt: p.datetime(),
  },
});
export class SlackLinkFailure extends SlackLinkFailureSchema.class {}
SlackLinkFailureSchema.setClass(SlackLinkFailure);

/**
 * The one channel message of an application (updated in place as the file moves) and the version of the
 * workflow's state it shows (workflows/application: refreshOfficerCard).
 */
export const SlackMessageSchema = defineEntity({
  name: 'SlackMessage',
  tableName: 'slack_message',
  properties: {
    applicationNumber: p.string().length(40).primary(),
    /** null until the first post succeeded */
    channel: p.string().length(20).nullable(),
    ts: p.string().length(30).nullable(),
    /** the status the message shows */
    renderedStatus: p.string().length(30).nullable(),
    /** the workflow's transition number it shows: an older refresh never overwrites a newer one */
    renderedVersion: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class SlackMessage extends SlackMessageSchema.class {}
SlackMessageSchema.setClass(SlackMessage);
