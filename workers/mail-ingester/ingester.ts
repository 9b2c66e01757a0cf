/**
 * The mail ingester: watches the helpdesk mailbox over IMAP and turns each new message into work
 * exactly once, across restarts and duplicate deliveries.
 *
 * - One IMAP connection, the mailbox selected; new mail is announced by IDLE (EXISTS), with a periodic
 *   scan as a safety net. A dropped connection is reopened with exponential backoff and jitter.
 * - A scan lists the UIDs above the cursor and every message without the `$CooProcessed` keyword
 *   (UID SEARCH), then fetches each message's bytes with its own command (never a command inside a
 *   FETCH iteration: imapflow would deadlock).
 * - Each copy is recorded in PostgreSQL (message unique by Message-ID, copy unique by mailbox,
 *   UIDVALIDITY and UID) and handed to the `processInboundMail` workflow, whose ID comes from the
 *   Message-ID; a second hand-over (a restart, a second copy) attaches to the same workflow.
 * - When the outcome is known, keywords are stored on the copy ($CooProcessed plus $CooTicket,
 *   $CooDeficiency, $CooRejected, $CooSuspicious, $CooDuplicate), so people reading the mailbox see
 *   what happened; a message whose outcome is already recorded is only flagged.
 */
import { EventEmitter } from 'node:events';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ImapSettings } from '../../lib/config.js';
import {
  INBOUND_MAIL_WORKFLOW,
  MailFlag,
  TASK_QUEUE,
  type InboundMailInput,
  type InboundMailOutcome,
  type InboundMailResult,
  type TicketTimings,
} from '../../workflows/helpdesk-ticket/contract.js';
import { advanceCursor, findCopy, markFlagged, markProcessing, readCursor, recordCopy, type CopyRef, type KnownMail, type RecordedCopy } from './store.js';

export interface IngesterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface MailIngesterOptions {
  imap: ImapSettings;
  em: () => EntityManager;
  temporal: Client;
  taskQueue?: string;
  ticketTimings: TicketTimings;
  /** messages handled at once */
  concurrency: number;
  /** larger messages keep only their headers and are refused */
  maxMessageBytes: number;
  logger: IngesterLogger;
  /** a scan this often even without IDLE news (ms; default 60 s) */
  pollEveryMs?: number;
  /** reconnect backoff (ms; defaults 500 ms doubling to 60 s) */
  backoff?: { initialMs: number; maxMs: number };
  /** how long to wait for a message's workflow before leaving it to the next scan (ms; default 10 min) */
  resultTimeoutMs?: number;
}

export interface ProcessedEvent {
  uid: number;
  uidValidity: string;
  mailId: string;
  outcome: InboundMailOutcome;
  duplicate: boolean;
  /** the outcome was already recorded: the copy was only flagged */
  alreadyDone: boolean;
  flags: string[];
}

export interface IngesterStats {
  connected: boolean;
  connects: number;
  processed: number;
  duplicates: number;
  failures: number;
}

export interface MailIngester {
  /** starts watching (returns once the first connection is up, or keeps retrying in the background after a failure) */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): IngesterStats;
  /** resolves once a scan found nothing new and nothing is in flight */
  drain(): Promise<void>;
  on(event: 'processed', listener: (e: ProcessedEvent) => void): void;
  off(event: 'processed', listener: (e: ProcessedEvent) => void): void;
}

const OUTCOME_FLAGS: Record<InboundMailOutcome, string[]> = {
  ticket: [MailFlag.ticket],
  'ticket-message': [MailFlag.ticket],
  suspicious: [MailFlag.ticket, MailFlag.suspicious],
  'deficiency-response': [MailFlag.deficiency],
  'deficiency-signed': [MailFlag.deficiency],
  'deficiency-problems': [MailFlag.deficiency, MailFlag.rejected],
  'deficiency-refused': [MailFlag.deficiency, MailFlag.rejected],
  malformed: [MailFlag.rejected],
  'too-large': [MailFlag.rejected],
  ignored: [],
};

export function flagsForOutcome(outcome: InboundMailOutcome): string[] {
  return [MailFlag.processed, ...OUTCOME_FLAGS[outcome]];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class Timeout extends Error {}

export function createMailIngester(opts: MailIngesterOptions): MailIngester {
  const log = opts.logger;
  const mailboxName = `${opts.imap.user}/${opts.imap.mailbox}`;
  const backoff = opts.backoff ?? { initialMs: 500, maxMs: 60_000 };
  const emitter = new EventEmitter();
  const stats: IngesterStats = { connected: false, connects: 0, processed: 0, duplicates: 0, failures: 0 };
  const inFlight = new Set<string>();
  /** UIDs that failed, and when they may be tried again (backing off: 10 s doubling to 1 h) */
  const retryAfter = new Map<string, number>();
  const attempts = new Map<string, number>();
  let client: ImapFlow | null = null;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let scanning: Promise<void> | null = null;
  let rescan = false;
  let pollTimer: NodeJS.Timeout | null = null;
  let wakeSleep: (() => void) | null = null;
  let drainWaiters: (() => void)[] = [];
  let lastScanEmpty = false;

  // --- concurrency-limited queue -------------------------------------------------------------------
  const queue: (() => Promise<void>)[] = [];
  let running = 0;
  const pump = () => {
    while (running < opts.concurrency && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      void job().finally(() => {
        running--;
        pump();
        checkDrained();
      });
    }
  };
  const checkDrained = () => {
    if (running === 0 && queue.length === 0 && !scanning && lastScanEmpty && !rescan) {
      const w = drainWaiters;
      drainWaiters = [];
      for (const f of w) f();
    }
  };

  // --- one message ---------------------------------------------------------------------------------
  async function runWorkflow(mail: KnownMail): Promise<InboundMailResult> {
    const input: InboundMailInput = { mailId: mail.id, ticketTimings: opts.ticketTimings };
    try {
      await opts.temporal.workflow.start(INBOUND_MAIL_WORKFLOW, {
        taskQueue: opts.taskQueue ?? TASK_QUEUE,
        workflowId: mail.workflowId,
        args: [input],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    await markProcessing(opts.em(), mail.id);
    const result = opts.temporal.workflow.getHandle(mail.workflowId).result() as Promise<InboundMailResult>;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        result,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Timeout(`no outcome within ${opts.resultTimeoutMs ?? 600_000} ms`)), opts.resultTimeoutMs ?? 600_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function processMessage(imap: ImapFlow, ref: CopyRef, size: number): Promise<void> {
    const key = `${ref.uidValidity}|${ref.uid}`;
    try {
      let copy: RecordedCopy | null = await findCopy(opts.em(), ref);
      if (!copy) {
        const complete = size <= opts.maxMessageBytes;
        const fetched = await imap.fetchOne(String(ref.uid), complete ? { uid: true, source: true } : { uid: true, headers: true }, { uid: true });
        if (!fetched) return; // expunged meanwhile
        const raw = complete ? fetched.source : fetched.headers;
        if (!raw) throw new Error(`the server returned no ${complete ? 'message' : 'headers'} for UID ${ref.uid}`);
        copy = await recordCopy(opts.em(), { ...ref, raw, complete, sizeBytes: size });
      }
      let alreadyDone = copy.mail.status === 'done' && copy.mail.outcome !== null;
      let flags: string[];
      let outcome: InboundMailOutcome;
      if (alreadyDone) {
        outcome = copy.mail.outcome!;
        flags = flagsForOutcome(outcome);
      } else {
        const r = await runWorkflow(copy.mail);
        outcome = r.outcome;
        flags = r.flags;
        alreadyDone = false;
      }
      if (copy.duplicate) flags = [...flags, MailFlag.duplicate];
      await imap.messageFlagsAdd(String(ref.uid), flags, { uid: true });
      await markFlagged(opts.em(), ref);
      await advanceCursor(opts.em(), mailboxName, ref.uidValidity, ref.uid);
      retryAfter.delete(key);
      attempts.delete(key);
      stats.processed++;
      if (copy.duplicate) stats.duplicates++;
      log.info({ uid: ref.uid, mailId: copy.mail.id, outcome, duplicate: copy.duplicate, alreadyDone, flags }, 'mail-ingester: message handled');
      emitter.emit('processed', { uid: ref.uid, uidValidity: ref.uidValidity, mailId: copy.mail.id, outcome, duplicate: copy.duplicate, alreadyDone, flags } satisfies ProcessedEvent);
    } catch (e) {
      stats.failures++;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      retryAfter.set(key, Date.now() + Math.min(3_600_000, 10_000 * 2 ** (n - 1)));
      log.error({ err: e, uid: ref.uid }, 'mail-ingester: message not handled; it stays unflagged and is tried again');
    }
  }

  // --- scanning ------------------------------------------------------------------------------------
  async function scanOnce(imap: ImapFlow): Promise<number> {
    const box = imap.mailbox;
    if (!box || typeof box !== 'object') return 0;
    const uidValidity = String(box.uidValidity);
    const cursor = await readCursor(opts.em(), mailboxName);
    let lastUid = 0;
    if (cursor && cursor.uidValidity === uidValidity) lastUid = cursor.lastUid;
    else if (cursor) {
      log.warn({ mailbox: mailboxName, was: cursor.uidValidity, now: uidValidity }, 'mail-ingester: UIDVALIDITY changed; every message is looked at again (the Message-ID keeps any from being processed twice)');
      await advanceCursor(opts.em(), mailboxName, uidValidity, 0);
    }
    if (box.exists === 0) return 0;
    const found = await imap.search({ or: [{ uid: `${lastUid + 1}:*` }, { unKeyword: MailFlag.processed }] }, { uid: true });
    const uids = (found || []).filter((uid) => {
      const key = `${uidValidity}|${uid}`;
      return !inFlight.has(key) && (retryAfter.get(key) ?? 0) <= Date.now();
    });
    if (uids.length === 0) return 0;
    const metas: FetchMessageObject[] = await imap.fetchAll(uids.join(','), { uid: true, size: true, flags: true }, { uid: true });
    let queued = 0;
    for (const m of metas) {
      if (m.flags?.has(MailFlag.processed)) continue;
      const key = `${uidValidity}|${m.uid}`;
      if (inFlight.has(key)) continue;
      inFlight.add(key);
      queued++;
      queue.push(async () => {
        try {
          await processMessage(imap, { mailbox: mailboxName, uidValidity, uid: m.uid }, m.size ?? 0);
        } finally {
          inFlight.delete(key);
          // flags just set may have raced with new mail: look again once the queue is empty
          if (running <= 1 && queue.length === 0) requestScan();
        }
      });
    }
    pump();
    return queued;
  }

  function requestScan(): void {
    const imap = client;
    if (!imap || stopping) return;
    if (scanning) {
      rescan = true;
      return;
    }
    scanning = (async () => {
      do {
        rescan = false;
        try {
          const n = await scanOnce(imap);
          lastScanEmpty = n === 0;
        } catch (e) {
          lastScanEmpty = false;
          log.warn({ err: e }, 'mail-ingester: scan failed');
        }
      } while (rescan && !stopping);
    })().finally(() => {
      scanning = null;
      checkDrained();
    });
  }

  // --- connection ----------------------------------------------------------------------------------
  async function connectOnce(): Promise<void> {
    const imap = new ImapFlow({
      host: opts.imap.host,
      port: opts.imap.port,
      secure: opts.imap.secure,
      ...(opts.imap.secure ? {} : { doSTARTTLS: false }),
      auth: { user: opts.imap.user, pass: opts.imap.password },
      logger: false,
      // IDLE is restarted this often, so a silently dead connection is noticed
      maxIdleTime: 5 * 60_000,
    });
    const closed = new Promise<void>((resolve) => imap.once('close', () => resolve()));
    imap.on('error', (e: Error) => log.warn({ err: e }, 'mail-ingester: IMAP connection error'));
    try {
      await imap.connect();
      await imap.mailboxOpen(opts.imap.mailbox);
    } catch (e) {
      imap.close();
      throw e;
    }
    client = imap;
    stats.connected = true;
    stats.connects++;
    log.info({ host: opts.imap.host, port: opts.imap.port, mailbox: mailboxName }, 'mail-ingester: connected, watching the mailbox (IDLE)');
    imap.on('exists', () => requestScan());
    pollTimer = setInterval(() => requestScan(), opts.pollEveryMs ?? 60_000);
    requestScan();
    await closed;
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = null;
    client = null;
    stats.connected = false;
    if (!stopping) log.warn({ mailbox: mailboxName }, 'mail-ingester: IMAP connection closed; reconnecting');
  }

  async function run(firstUp: (e?: unknown) => void): Promise<void> {
    let delay = backoff.initialMs;
    let first = true;
    while (!stopping) {
      let wasUp = false;
      const before = stats.connects;
      try {
        const session = connectOnce();
        // report the first successful connection (or failure) to start()
        void session.catch(() => {});
        await Promise.race([session, waitForConnect(before)]);
        wasUp = stats.connects > before;
        if (first) firstUp();
        first = false;
        await session;
      } catch (e) {
        if (first) firstUp(e);
        first = false;
        log.warn({ err: e, retryInMs: delay }, 'mail-ingester: cannot reach the mailbox');
      }
      if (stopping) break;
      if (wasUp) delay = backoff.initialMs;
      const jittered = Math.round(delay * (0.5 + Math.random()));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, jittered);
        wakeSleep = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wakeSleep = null;
      delay = Math.min(backoff.maxMs, delay * 2);
    }
  }

  async function waitForConnect(before: number): Promise<void> {
    while (stats.connects === before && !stopping) await sleep(20);
  }

  return {
    async start() {
      if (loop) return;
      stopping = false;
      await new Promise<void>((resolve) => {
        loop = run((e) => {
          if (e) log.warn({ err: e }, 'mail-ingester: first connection failed; retrying in the background');
          resolve();
        });
      });
    },
    async stop() {
      stopping = true;
      wakeSleep?.();
      if (pollTimer) clearInterval(pollTimer);
      queue.length = 0;
      const deadline = Date.now() + 30_000;
      while ((running > 0 || scanning) && Date.now() < deadline) await sleep(20);
      const imap = client;
      if (imap) await imap.logout().catch(() => imap.close());
      await loop;
      loop = null;
      for (const f of drainWaiters) f();
      drainWaiters = [];
    },
    stats: () => ({ ...stats }),
    drain() {
      return new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        lastScanEmpty = false;
        requestScan();
      });
    },
    on: (event, listener) => {
      emitter.on(event, listener);
    },
    off: (event, listener) => {
      emitter.off(event, listener);
    },
  };
}
