import { ExpressReceiver, HTTPModuleFunctions, type Logger as BoltLogger, type ReceiverProcessEventErrorHandlerArgs } from '@slack/bolt';
import type { Router } from 'express';
import type { StructuredLogger } from './logger.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const INTERACTIVE_TYPES = new Set(['block_actions', 'block_suggestion', 'interactive_message', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'dialog_submission', 'dialog_cancellation', 'dialog_suggestion']);

/**
 * What is wrong with a verified request's body for Bolt's event routing, which dereferences these fields before
 * any listener runs: the body and `event` must be objects; `event.user` a user id or an object, `event.channel`
 * an id or an object; an interactive payload needs a `user` object (and a view submission a `view`); `team`,
 * `enterprise` and `channel` are objects when present (or null), `actions` a list. Undefined when it looks right.
 */
export function slackPayloadProblem(body: unknown): string | undefined {
  if (!isObject(body)) return `the body is ${body === null ? 'null' : Array.isArray(body) ? 'a list' : `a ${typeof body}`}, not a JSON object`;
  if ('event' in body) {
    const event = body.event;
    if (!isObject(event)) return 'event is not an object';
    if ('user' in event && event.user !== undefined && typeof event.user !== 'string' && !isObject(event.user)) return 'event.user is neither a user id nor an object';
    if ('channel' in event && typeof event.channel !== 'string' && !isObject(event.channel)) return 'event.channel is neither a channel id nor an object';
    if ('subteam' in event && !isObject(event.subteam)) return 'event.subteam is not an object';
  }
  for (const key of ['user', 'team', 'enterprise', 'channel', 'view', 'container']) {
    if (key in body && body[key] !== null && body[key] !== undefined && !isObject(body[key])) return `${key} is not an object`;
  }
  if ('actions' in body && body.actions !== undefined && !Array.isArray(body.actions)) return 'actions is not a list';
  if (typeof body.type === 'string' && INTERACTIVE_TYPES.has(body.type)) {
    if (!isObject(body.user)) return `a ${body.type} payload needs a user object`;
    if ((body.type === 'view_submission' || body.type === 'view_closed') && !isObject(body.view)) return `a ${body.type} payload needs a view object`;
  }
  return undefined;
}

/**
 * Bolt's answer when handling a verified request failed. A correctly signed body that is not shaped like a
 * Slack payload (JSON `null`, `"event": {"user": null}`…) makes Bolt's event routing throw, which its default
 * handler answers with a 500; such a request is refused with 400 instead, as Bolt refuses a body it cannot parse
 * at all. Every other failure keeps Bolt's default (401 for a failed authorization, 500 for a bug).
 */
export function processEventErrorHandler(logger: StructuredLogger, component: string) {
  return async (args: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> => {
    const problem = slackPayloadProblem((args.request as { body?: unknown }).body);
    if (problem && !args.response.headersSent) {
      logger.warn({ component, problem }, `${component}: a signed request that is not a Slack payload was refused: ${problem}`);
      args.response.writeHead(400);
      args.response.end();
      return true;
    }
    return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
  };
}

/**
 * The receiver both Slack apps serve their request URL with: signatures checked by Bolt, the answer sent only
 * after the handler ran (modal errors and slash command replies travel in the response), malformed but signed
 * payloads refused with 400.
 */
export function signedRequestReceiver(opts: { signingSecret: string; router: Router; logger: StructuredLogger; boltLogger: BoltLogger; component: string }): ExpressReceiver {
  return new ExpressReceiver({
    signingSecret: opts.signingSecret,
    processBeforeResponse: true,
    logger: opts.boltLogger,
    endpoints: '/',
    router: opts.router,
    processEventErrorHandler: processEventErrorHandler(opts.logger, opts.component),
  });
}
