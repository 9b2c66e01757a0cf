/**
 * Contract of the e-wallet top-up reconciliation (seed 004 "CoO Wallet": reconciled like application payments):
 * one workflow per top-up order, started with it, that asks the gateway's status API every `reconcileEvery`
 * (APP_RECONCILE_EVERY, the application payments' setting) until the top-up is settled, by the callback or by
 * itself, or `reconcileFor` has passed (an order abandoned at the checkout page). Imports no workflow code.
 */
import type { Duration } from '@temporalio/common';
export { TASK_QUEUE } from '../task-queues.js';

export const WALLET_TOPUP_WORKFLOW = 'reconcileWalletTopUp';
export const walletTopUpWorkflowId = (orderId: string): string => `coo-wallet-topup/${orderId}`;

export interface WalletTopUpInput {
  orderId: string;
  reconcileEvery: Duration;
  reconcileFor: Duration;
}

export interface WalletTopUpResult {
  orderId: string;
  status: 'open' | 'paid' | 'failed';
  confirmedVia: string | null;
}
