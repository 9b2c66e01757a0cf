import type { ApplicationServiceDeps } from '../services/application/deps.js';
import { createWalletService } from '../services/payment/wallet.js';
import { asActivities } from './failure.js';

/** The top-up reconciliation's activity (workflows/wallet-topup) over the wallet service. */
export function createWalletActivities(deps: ApplicationServiceDeps) {
  const wallets = createWalletService(deps);
  return asActivities({
    reconcileTopUpOrder: wallets.reconcileOrder,
  });
}
