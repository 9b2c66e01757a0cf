/**
 * The recorded workflow histories `npm test` replays (test/histories/<workflow>-<scenario>.json), and
 * what each one is. test/replay/record-histories.ts records exactly these; test/replay/histories.test.ts
 * fails when one of them is missing, so deleting a history is a visible change.
 */
import { fileURLToPath } from 'node:url';

export const HISTORIES_DIR = fileURLToPath(new URL('../histories/', import.meta.url));

export const REQUIRED_HISTORIES = {
  'cooApplication-happy-path.json': 'signed, paid at the gateway (callback), approved: the certificate sealed with the office e-seal',
  'cooApplication-two-deficiencies.json': 'paid from the e-wallet; deficiency 1 answered by editing, deficiency 2 by a signed clarification with a file; approved',
  'cooApplication-expired.json': 'signed, a payment reminder, not paid within the payment window: Expired',
  'cooApplication-rejected.json': 'paid from the e-wallet, rejected by the officer with a reason',
  'cooApplication-officer-deadlines.json':
    "paid at the gateway, no decision past a review reminder and the escalation (the 'officer-review-deadlines' and 'officer-card-activity' patches), then approved",
  'cooApplication-officer-dsc.json': "an office whose certificates the approving officer signs with the DSC: approved, drawn, signed by the officer (the 'officer-dsc-signing' patch)",
  'cooCertificateRequest-in-lieu.json':
    'a certificate in lieu of the happy path\'s certificate: the importer corrected, a supporting document, signed, paid from the e-wallet, one discrepancy answered by a signed clarification, approved: the original superseded',
  'registerExporter-new-exporter.json': 'an IEC registered: fetched from the IEC master, saved, the account and master user created',
  'refreshIecRecord-refresh.json': "an IEC master record refreshed by an administrator",
  'reconcileWalletTopUp-lost-callback.json': "an e-wallet top-up paid at the gateway whose callback was lost, found paid by its reconciliation",
  'helpdeskTicket-resolved.json': 'opened by e-mail, acknowledged, taken, answered, the requester writes again, resolved, closed',
  'processInboundMail-new-ticket.json': 'an e-mail to the helpdesk opening a ticket (child workflow)',
  'processInboundMail-ticket-message.json': "the requester's reply threaded into the open ticket (signal to the ticket workflow)",
} as const;

export type HistoryFile = keyof typeof REQUIRED_HISTORIES;

/** Workflow IDs the histories were recorded under (the replayer runs each under the same ID). */
export const MANIFEST_FILE = 'manifest.json';

export interface HistoryManifest {
  note: string;
  recordedAt: string;
  histories: Record<string, { workflowId: string; workflowType: string; events: number; scenario: string }>;
}
