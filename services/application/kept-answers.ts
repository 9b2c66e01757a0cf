import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, KeptAnswer, StaffUserRow } from '../../db/entities/index.js';
import { FINAL_STATUSES, isFileStatus } from '../../domain/application/file-status.js';
import { AppError, ErrorCode } from '../../lib/errors.js';

/** "02 Dec 2026, 21:56 IST": when a person decided, as the people reading the message count time. */
function istTime(d: Date): string {
  return `${new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(d)} IST`;
}

/** A key in use whose answer is not kept yet (status 0 is no HTTP status). */
const RESERVED = 0;

/**
 * Answers that outlive the workflow: the first answer to a request sent with an Idempotency-Key (Temporal
 * deduplicates an Update ID only while its workflow runs), and the refusal of a decision on a file whose
 * workflow has finished, saying what became of the file, by whom and when.
 */
export function createKeptAnswerService(deps: { em: () => EntityManager }) {
  return {
    /** The kept answer; `reserved` when an earlier request with the key started the work but its answer was not kept. */
    async find(scope: string): Promise<{ reserved: false; status: number; body: unknown } | { reserved: true } | null> {
      const row = await deps.em().findOne(KeptAnswer, { scope });
      if (!row) return null;
      return row.status === RESERVED ? { reserved: true } : { reserved: false, status: row.status, body: row.body };
    },

    /** Marks the key as used before the work starts, so a retry after a lost answer is known as one. */
    async reserve(scope: string): Promise<void> {
      await deps.em().getConnection().execute(`insert into kept_answer (scope, status, body, created_at) values (?, ${RESERVED}, '{}'::jsonb, now()) on conflict (scope) do nothing`, [scope]);
    },

    /** Keeps the first answer; a concurrent repeat that got the same answer from Temporal changes nothing. */
    async keep(scope: string, status: number, body: unknown): Promise<void> {
      await deps.em().getConnection().execute(
        `insert into kept_answer (scope, status, body, created_at) values (?, ?, ?::jsonb, now())
         on conflict (scope) do update set status = excluded.status, body = excluded.body where kept_answer.status = ${RESERVED}`,
        [scope, status, JSON.stringify(body)],
      );
    },

    /**
     * Why a decision cannot be taken on a file whose workflow is no longer running: its final status, who
     * took it there and when (the read model keeps them). Undefined when the file is not finished.
     */
    async finishedFileRefusal(applicationId: string): Promise<AppError | undefined> {
      const em = deps.em();
      const app = await em.findOne(ApplicationRow, { id: applicationId });
      if (!app || !isFileStatus(app.status) || !FINAL_STATUSES.has(app.status)) return undefined;
      const number = app.fileNumber ?? app.number;
      const at = app.decidedAt ?? app.statusChangedAt;
      const by = app.decidedBy && app.decidedBy !== 'system' ? ((await em.findOne(StaffUserRow, { id: app.decidedBy }))?.name ?? app.decidedBy) : undefined;
      const details = { status: app.status, decidedBy: by ?? (app.decidedBy === 'system' ? 'system' : null), decidedAt: at.toISOString() };
      if (app.status === 'Expired') {
        return new AppError(ErrorCode.IllegalTransition, `File ${number} expired on ${istTime(at)}: there is nothing left to decide.`, { details });
      }
      const what = app.status === 'Approved' ? 'approved' : 'rejected';
      const who = by ? `${by} ${what} it on ${istTime(at)}` : `it was closed as ${app.status} by the system on ${istTime(at)}${app.rejectionReason ? ` (${app.rejectionReason})` : ''}`;
      return new AppError(ErrorCode.AlreadyDecided, `File ${number} is ${app.status}: ${who}.`, { details });
    },
  };
}
