import crypto from 'node:crypto';

/**
 * The agency's payment gateway (seed 002: merchant ID + checksum key per agency, no spaces).
 * Hosted checkout plus a server-to-server callback whose checksum is verified with the merchant key,
 * and a status API for orders whose callback never arrived.
 */
export interface GatewayCredentials {
  merchantId: string;
  checksumKey: string;
}

export interface CreateOrderRequest {
  orderId: string;
  amountPaise: number;
  description: string;
  callbackUrl: string;
  returnUrl: string;
}

export type GatewayOrderStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'UNKNOWN';

export interface PaymentGateway {
  createOrder(creds: GatewayCredentials, req: CreateOrderRequest): Promise<{ checkoutUrl: string }>;
  getStatus(creds: GatewayCredentials, orderId: string): Promise<{ status: GatewayOrderStatus; gatewayTxnId?: string; amountPaise?: number }>;
}

/** The fields a callback carries, in checksum order. */
export interface GatewayCallbackBody {
  merchantId: string;
  orderId: string;
  status: 'SUCCESS' | 'FAILED';
  gatewayTxnId: string;
  amountPaise: number;
  checksum: string;
}

export function callbackChecksum(checksumKey: string, b: Omit<GatewayCallbackBody, 'checksum'>): string {
  const message = [b.merchantId, b.orderId, b.status, b.gatewayTxnId, String(b.amountPaise)].join('|');
  return crypto.createHmac('sha256', checksumKey).update(message).digest('hex');
}

export function verifyCallbackChecksum(checksumKey: string, b: GatewayCallbackBody): boolean {
  const expected = Buffer.from(callbackChecksum(checksumKey, b), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/i.test(b.checksum) ? b.checksum : '', 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export class GatewayUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayUnavailable';
  }
}

/** Talks to a gateway over HTTP (the local sandbox speaks the same protocol: api/sandbox/payment-gateway.ts). */
export class HttpPaymentGateway implements PaymentGateway {
  constructor(private readonly baseUrl: string) {}

  private async call(path: string, creds: GatewayCredentials, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl.replace(/\/$/, '')}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          'content-type': 'application/json',
          'x-merchant-id': creds.merchantId,
          'x-signature': crypto.createHmac('sha256', creds.checksumKey).update(body === undefined ? path : JSON.stringify(body)).digest('hex'),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      throw new GatewayUnavailable(`payment gateway unreachable: ${(e as Error).message}`);
    }
    if (!res.ok) throw new GatewayUnavailable(`payment gateway answered HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return res.json();
  }

  async createOrder(creds: GatewayCredentials, req: CreateOrderRequest): Promise<{ checkoutUrl: string }> {
    return (await this.call('/orders', creds, req)) as { checkoutUrl: string };
  }

  async getStatus(creds: GatewayCredentials, orderId: string) {
    return (await this.call(`/orders/${encodeURIComponent(orderId)}`, creds)) as { status: GatewayOrderStatus; gatewayTxnId?: string; amountPaise?: number };
  }
}
