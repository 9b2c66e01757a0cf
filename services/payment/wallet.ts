import crypto from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AgencyOfficeRow, WalletEntry, WalletRow, WalletTopupRow } from '../../db/entities/index.js';
import type { ReferenceSource } from '../../domain/reference/reference-index.js';
import { formatRupees } from '../../domain/fees/format-paise.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { GatewayUnavailable, type PaymentGateway } from './gateway.js';
import type { GatewayCredentialSource } from './gateway-credentials.js';

/**
 * The exporter's e-wallet at an office (seed 004 "CoO Wallet", seed 002 §5): topped up through the office's
 * payment gateway (its own parameters, else its agency's, as application payments), debited when a fee is
 * paid from it (application-payment.ts `debitWallet`), credited once with a balance migrated from the
 * legacy platform (wallet-import.ts). Every movement is one ledger entry with a unique key, written in the
 * same transaction as the balance: the statement always adds up to the balance.
 */

/** The smallest and largest top-up, in paise. */
export const TOP_UP_MIN_PAISE = 10_000; // ₹100
export const TOP_UP_MAX_PAISE = 50_000_000; // ₹5,00,000

/** How long an open top-up is asked about at the gateway: by its reconciliation, and when the exporter lists their wallets. */
export const TOP_UP_RECONCILE_WITHIN_MS = 2 * 24 * 3600_000;
export const TOP_UP_RECONCILE_FOR = '2 days';

export type WalletEntryKind = 'top-up' | 'fee' | 'migration';

/** ₹5,00,000.00: Indian digit grouping */
const inr = (paise: number) => `₹${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

type Exec = <T>(sql: string, params: unknown[]) => Promise<T[]>;
const execIn = (tx: EntityManager): Exec => (sql, params) => tx.getConnection().execute(sql, params, 'all', tx.getTransactionContext());

/**
 * Credits a wallet (creating it) in the caller's transaction: the balance and its ledger entry together.
 * Returns the balance after. The entry key is unique: a second credit with the same key fails the transaction.
 */
export async function creditWallet(
  tx: EntityManager,
  c: { iec: string; officeCode: string; amountPaise: number; entryKey: string; kind: WalletEntryKind; reference: string; reason: string },
): Promise<number> {
  const exec = execIn(tx);
  const [w] = await exec<{ balance_paise: string }>(
    `insert into wallet (iec, office_code, balance_paise, updated_at) values (?, ?, ?, now())
     on conflict (iec, office_code) do update set balance_paise = wallet.balance_paise + excluded.balance_paise, updated_at = now()
     returning balance_paise`,
    [c.iec, c.officeCode, c.amountPaise],
  );
  const balanceAfter = Number(w!.balance_paise);
  await exec(
    `insert into wallet_entry (entry_key, iec, office_code, amount_paise, balance_after_paise, reason, kind, reference, at) values (?, ?, ?, ?, ?, ?, ?, ?, now())`,
    [c.entryKey, c.iec, c.officeCode, c.amountPaise, balanceAfter, c.reason.slice(0, 255), c.kind, c.reference.slice(0, 100)],
  );
  return balanceAfter;
}

export interface TopUpView {
  orderId: string;
  officeCode: string;
  iec: string;
  amountPaise: number;
  status: 'open' | 'paid' | 'failed';
  confirmedVia: string | null;
  gatewayTxnId: string | null;
  createdAt: string;
  settledAt: string | null;
}

export function topUpView(r: WalletTopupRow): TopUpView {
  return {
    orderId: r.orderId,
    officeCode: r.officeCode,
    iec: r.iec,
    amountPaise: r.amountPaise,
    status: r.status as TopUpView['status'],
    confirmedVia: r.confirmedVia ?? null,
    gatewayTxnId: r.gatewayTxnId ?? null,
    createdAt: r.createdAt.toISOString(),
    settledAt: r.settledAt ? r.settledAt.toISOString() : null,
  };
}

export interface WalletServiceDeps {
  em: () => EntityManager;
  reference: ReferenceSource;
  gatewayCredentials: GatewayCredentialSource;
  paymentGateway: PaymentGateway;
  publicBaseUrl: string;
}

/** The gateway's verdict on a top-up, recorded once; a success credits the wallet in the same transaction. */
export async function settleTopUp(
  em: EntityManager,
  input: { orderId: string; status: 'SUCCESS' | 'FAILED'; gatewayTxnId: string; amountPaise: number; via: 'callback' | 'reconciliation' },
): Promise<{ firstTime: boolean; status: TopUpView['status']; balanceAfterPaise?: number }> {
  return em.transactional(async (tx) => {
    const exec = execIn(tx);
    const status = input.status === 'SUCCESS' ? 'paid' : 'failed';
    // the row lock makes a second callback arriving at the same moment wait, then find the row settled
    const [settled] = await exec<{ iec: string; office_code: string; amount_paise: string }>(
      `update wallet_topup set status = ?, gateway_txn_id = ?, confirmed_via = ?, settled_at = now()
       where order_id = ? and status = 'open' and amount_paise = ? returning iec, office_code, amount_paise`,
      [status, input.gatewayTxnId, input.via, input.orderId, input.amountPaise],
    );
    if (!settled) {
      const row = await tx.findOne(WalletTopupRow, { orderId: input.orderId });
      if (!row) throw new AppError(ErrorCode.NotFound, `Top-up ${input.orderId} is not known.`);
      if (row.status === 'open') {
        throw new AppError(ErrorCode.ValidationFailed, `Top-up ${input.orderId} is for ₹${formatRupees(row.amountPaise)}, the gateway reports ₹${formatRupees(input.amountPaise)}: not credited.`);
      }
      return { firstTime: false, status: row.status as TopUpView['status'] };
    }
    if (status === 'failed') return { firstTime: true, status };
    const balanceAfterPaise = await creditWallet(tx, {
      iec: settled.iec,
      officeCode: settled.office_code,
      amountPaise: Number(settled.amount_paise),
      entryKey: input.orderId,
      kind: 'top-up',
      reference: input.orderId,
      reason: `top-up through the payment gateway (transaction ${input.gatewayTxnId})`,
    });
    return { firstTime: true, status, balanceAfterPaise };
  });
}

export function createWalletService(deps: WalletServiceDeps) {
  /** The office, if an exporter may keep a wallet there now. */
  async function walletOffice(officeCode: string) {
    const office = (await deps.reference({ office: officeCode })).office(officeCode);
    if (!office) throw new AppError(ErrorCode.NotFound, `Office ${officeCode} is not known.`);
    return office;
  }

  /** Asks the gateway's status API about an open top-up whose callback has not arrived (seed 002: reconciled like fees). */
  async function reconcile(row: WalletTopupRow): Promise<WalletTopupRow> {
    if (row.status !== 'open') return row;
    let st: Awaited<ReturnType<PaymentGateway['getStatus']>>;
    try {
      st = await deps.paymentGateway.getStatus(await deps.gatewayCredentials.credentialsFor(row.officeCode), row.orderId);
    } catch (e) {
      if (e instanceof GatewayUnavailable || (e instanceof AppError && e.code === ErrorCode.DependencyUnavailable)) return row; // asked again next time
      throw e;
    }
    if (st.status !== 'SUCCESS' && st.status !== 'FAILED') return row;
    await settleTopUp(deps.em(), {
      orderId: row.orderId,
      status: st.status,
      gatewayTxnId: st.gatewayTxnId ?? 'unknown',
      amountPaise: st.amountPaise ?? row.amountPaise,
      via: 'reconciliation',
    }).catch((e: unknown) => {
      if (e instanceof AppError && e.code === ErrorCode.ValidationFailed) return; // an amount that does not match stays open for a person to look at
      throw e;
    });
    return deps.em().findOneOrFail(WalletTopupRow, { orderId: row.orderId });
  }

  return {
    reconcile,

    /**
     * The periodic reconciliation of one top-up (workflows/wallet-topup, every APP_RECONCILE_EVERY): an open one is
     * asked about at the gateway and settled as the callback would; a settled one is left as it is.
     */
    async reconcileOrder(orderId: string): Promise<{ orderId: string; status: TopUpView['status']; confirmedVia: string | null }> {
      const row = await deps.em().findOne(WalletTopupRow, { orderId });
      if (!row) throw new AppError(ErrorCode.NotFound, `Top-up ${orderId} is not known.`);
      const now = await reconcile(row);
      return { orderId, status: now.status as TopUpView['status'], confirmedVia: now.confirmedVia ?? null };
    },

    /**
     * Opens a top-up: a gateway order at the office, paid on the gateway's checkout page. With an idempotency
     * key a repeat finds the same order.
     */
    async startTopUp(input: { iec: string; officeCode: string; amountPaise: number; actor: string; idempotencyKey?: string }): Promise<TopUpView & { checkoutUrl: string }> {
      const office = await walletOffice(input.officeCode);
      if (!office.active) throw new AppError(ErrorCode.Conflict, `Office ${input.officeCode} is closed: its wallets take no top-ups.`);
      if (!office.eWallet.enabled) {
        throw new AppError(ErrorCode.Conflict, `Office ${input.officeCode} does not keep e-wallets (its administrator has not enabled the e-wallet there): pay fees there through the payment gateway.`);
      }
      if (input.amountPaise < TOP_UP_MIN_PAISE || input.amountPaise > TOP_UP_MAX_PAISE) {
        throw new AppError(ErrorCode.ValidationFailed, `A top-up is between ${inr(TOP_UP_MIN_PAISE)} and ${inr(TOP_UP_MAX_PAISE)}; ${inr(input.amountPaise)} was asked for.`, {
          problems: [{ path: 'body/amountPaise', message: `between ${TOP_UP_MIN_PAISE} and ${TOP_UP_MAX_PAISE} paise` }],
        });
      }
      const orderId = input.idempotencyKey
        ? `WTU${crypto.createHash('sha256').update(`${input.iec}|${input.officeCode}|${input.idempotencyKey}`).digest('hex').slice(0, 40).toUpperCase()}`
        : `WTU${crypto.randomBytes(20).toString('hex').toUpperCase()}`;
      const em = deps.em();
      await em.getConnection().execute(
        `insert into wallet_topup (order_id, iec, office_code, amount_paise, status, requested_by, callbacks_received, created_at) values (?, ?, ?, ?, 'open', ?, 0, now()) on conflict (order_id) do nothing`,
        [orderId, input.iec, input.officeCode, input.amountPaise, input.actor.slice(0, 120)],
      );
      const row = await em.findOneOrFail(WalletTopupRow, { orderId });
      if (row.amountPaise !== input.amountPaise) {
        throw new AppError(ErrorCode.Conflict, `This Idempotency-Key was used for a top-up of ₹${formatRupees(row.amountPaise)}: use a new key for another amount.`);
      }
      let checkoutUrl: string;
      try {
        ({ checkoutUrl } = await deps.paymentGateway.createOrder(await deps.gatewayCredentials.credentialsFor(input.officeCode), {
          orderId,
          amountPaise: row.amountPaise,
          description: `E-wallet top-up for IEC ${input.iec} at ${input.officeCode}`,
          callbackUrl: `${deps.publicBaseUrl}/v1/payments/callback`,
          returnUrl: `${deps.publicBaseUrl}/v1/wallets/${input.officeCode}/top-ups/${orderId}`,
        }));
      } catch (e) {
        if (e instanceof GatewayUnavailable) throw new AppError(ErrorCode.DependencyUnavailable, `The payment gateway cannot be reached now; try again in a moment (${e.message}).`);
        throw e;
      }
      return { ...topUpView(row), checkoutUrl };
    },

    /** A top-up as the exporter sees it; an open one is first asked about at the gateway. */
    async getTopUp(iec: string, officeCode: string, orderId: string): Promise<TopUpView> {
      const row = await deps.em().findOne(WalletTopupRow, { orderId, iec, officeCode });
      if (!row) throw new AppError(ErrorCode.NotFound, `Top-up ${orderId} is not known at ${officeCode} for your IEC.`);
      return topUpView(await reconcile(row));
    },

    /** The exporter's wallets; their open top-ups are reconciled first. */
    async walletsOf(iec: string) {
      const em = deps.em();
      // the last two days' open top-ups, newest first: an order abandoned at the checkout page is not asked about for ever
      const since = new Date(Date.now() - TOP_UP_RECONCILE_WITHIN_MS);
      for (const open of await em.find(WalletTopupRow, { iec, status: 'open', createdAt: { $gte: since } }, { orderBy: { createdAt: 'desc' }, limit: 5 })) await reconcile(open);
      const reference = await deps.reference();
      const wallets = await deps.em().find(WalletRow, { iec }, { orderBy: { officeCode: 'asc' } });
      return wallets.map((w) => {
        const office = reference.office(w.officeCode);
        return {
          officeCode: w.officeCode,
          officeName: office?.name ?? w.officeCode,
          agencyCode: office?.agencyCode ?? null,
          eWalletEnabled: office?.eWallet.enabled ?? false,
          balancePaise: w.balancePaise,
          updatedAt: w.updatedAt.toISOString(),
        };
      });
    },
  };
}
export type WalletService = ReturnType<typeof createWalletService>;

export interface StatementEntryView {
  at: string;
  kind: WalletEntryKind | 'credit' | 'debit';
  reference: string;
  description: string;
  amountPaise: number;
  balanceAfterPaise: number;
}

/** The statement of one wallet: balance, then its credits and debits newest first, paged. */
export async function walletStatement(em: EntityManager, iec: string, officeCode: string, page: number, pageSize: number) {
  if (!(await em.findOne(AgencyOfficeRow, { code: officeCode }))) throw new AppError(ErrorCode.NotFound, `Office ${officeCode} is not known.`);
  const wallet = await em.findOne(WalletRow, { iec, officeCode });
  const [entries, total] = await em.findAndCount(WalletEntry, { iec, officeCode }, { orderBy: { id: 'desc' }, limit: pageSize, offset: (page - 1) * pageSize });
  return {
    iec,
    officeCode,
    balancePaise: wallet?.balancePaise ?? 0,
    entries: entries.map(
      (e): StatementEntryView => ({
        at: e.at.toISOString(),
        kind: (e.kind as WalletEntryKind | null) ?? (e.amountPaise < 0 ? 'debit' : 'credit'),
        reference: e.reference ?? e.entryKey,
        description: e.reason,
        amountPaise: e.amountPaise,
        balanceAfterPaise: e.balanceAfterPaise,
      }),
    ),
    page,
    pageSize,
    total,
    totalPages: Math.ceil(total / pageSize),
  };
}

/** The wallets kept at an agency's offices (or one of them), for its administrator. */
export async function agencyWallets(em: EntityManager, agencyCode: string, officeCode: string | undefined, page: number, pageSize: number) {
  const offices = (await em.find(AgencyOfficeRow, { agencyCode, ...(officeCode ? { code: officeCode } : {}) })).map((o) => o.code);
  if (officeCode && offices.length === 0) throw new AppError(ErrorCode.NotFound, `Office ${officeCode} is not an office of ${agencyCode}.`);
  const where = { officeCode: { $in: offices } };
  const [rows, total] = await em.findAndCount(WalletRow, where, { orderBy: { officeCode: 'asc', iec: 'asc' }, limit: pageSize, offset: (page - 1) * pageSize });
  const [sum] = offices.length
    ? await em.getConnection().execute<{ total: string | null }[]>(`select sum(balance_paise) as total from wallet where office_code in (${offices.map(() => '?').join(', ')})`, offices)
    : [];
  return {
    agencyCode,
    items: rows.map((w) => ({ iec: w.iec, officeCode: w.officeCode, balancePaise: w.balancePaise, updatedAt: w.updatedAt.toISOString() })),
    totalBalancePaise: Number(sum?.total ?? 0),
    page,
    pageSize,
    total,
    totalPages: Math.ceil(total / pageSize),
  };
}
