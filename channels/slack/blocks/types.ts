import type { types } from '@slack/bolt';

/** Block Kit types, taken from the @slack/types that Bolt itself uses. */
export type Block = types.KnownBlock;
export type SectionBlock = types.SectionBlock;
export type ActionsBlock = types.ActionsBlock;
export type Button = types.Button;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type PlainTextOption = types.PlainTextOption;

/** What chat.postMessage / chat.update / chat.postEphemeral receive. */
export interface SlackMessage {
  /** Fallback shown in notifications and by clients that cannot draw blocks. */
  text: string;
  blocks: Block[];
}
