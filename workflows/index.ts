// Every workflow the worker serves. Bundled by webpack: no Node built-ins may be reached from here.
export { refreshIecRecord } from './iec-refresh/workflow.js';
export { registerExporter } from './exporter-registration/workflow.js';
export { cooApplication } from './application/workflow.js';
export { cooCertificateRequest } from './certificate-request/workflow.js';
export { benchNoopWorkflow } from './bench/noop.js';
export { helpdeskTicket, processInboundMail } from './helpdesk-ticket/workflow.js';
export { reconcileWalletTopUp } from './wallet-topup/workflow.js';
