import { proxyActivities, sleep } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { createWalletActivities } from '../../activities/wallet.js';
import { gatewayCall } from '../activity-options.js';
import type { WalletTopUpInput, WalletTopUpResult } from './contract.js';

type WalletActivities = ReturnType<typeof createWalletActivities>;

const { reconcileTopUpOrder } = proxyActivities<WalletActivities>(gatewayCall);

/**
 * Asks the gateway about an open top-up every `reconcileEvery`, as the application workflow does for an open
 * fee payment, until it is settled (the callback or this, whichever comes first: the wallet is credited once)
 * or `reconcileFor` has passed.
 */
export async function reconcileWalletTopUp(input: WalletTopUpInput): Promise<WalletTopUpResult> {
  const until = Date.now() + msToNumber(input.reconcileFor);
  for (;;) {
    await sleep(input.reconcileEvery);
    const r = await reconcileTopUpOrder(input.orderId);
    if (r.status !== 'open' || Date.now() >= until) return r;
  }
}
