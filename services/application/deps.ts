import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReferenceSource } from '../../domain/reference/reference-index.js';
import type { PaymentGateway } from '../payment/gateway.js';
import type { GatewayCredentialSource } from '../payment/gateway-credentials.js';
import type { Notifier } from '../notification/notifier.js';
import type { TaxInvoiceSigner } from '../payment/tax-invoice-pdf.js';

/** Verifies an exporter's signature over bytes the server handed out (identity rules of issue 3). */
export interface SignatureVerifier {
  verify(req: {
    signerId: string;
    iec: string;
    method: 'dsc' | 'esign';
    content: Buffer;
    signatureB64: string;
    now: Date;
  }): Promise<{
    fingerprint: string | null;
    signerName: string;
    /** what the signature proves: the registered DSC, or an accepted Aadhaar eSign provider */
    method: 'dsc' | 'esign';
    esign?: { transactionId: string | null; aadhaarLast4: string | null } | null;
  }>;
}

export interface ApplicationServiceDeps {
  em: () => EntityManager;
  reference: ReferenceSource;
  signatureVerifier: SignatureVerifier;
  paymentGateway: PaymentGateway;
  /** the agencies' and offices' gateway parameters, the checksum keys decrypted only here */
  gatewayCredentials: GatewayCredentialSource;
  notifier: Notifier;
  /** where links in notifications and gateway return URLs point */
  publicBaseUrl: string;
  /** the office's e-seal for its tax invoices; null (or absent) when the office has none: the invoice PDF is then not sealed */
  taxInvoiceSeal?: (officeCode: string) => Promise<TaxInvoiceSigner | null>;
}
