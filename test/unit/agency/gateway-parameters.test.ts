import { describe, expect, it } from 'vitest';
import { checkGatewayParameters, lastFour } from '../../../domain/agency/gateway-parameters.js';

const good = { merchantId: 'EICPG0042', checksumKey: 'k_9f3A-2b+/x=' };

describe('payment gateway parameters (seed 002 §3.I.iii)', () => {
  it('accepts a Merchant ID and a checksum key as gateways issue them', () => {
    expect(checkGatewayParameters(good)).toEqual([]);
  });

  it('says which mistake each is: empty, a space, an extra character', () => {
    expect(checkGatewayParameters({ ...good, merchantId: '' })).toEqual([
      { path: 'merchantId', message: "Merchant ID is empty: enter the Merchant ID the payment gateway gave the agency; an empty one makes every exporter's payment fail" },
    ]);
    expect(checkGatewayParameters({ ...good, merchantId: 'EICPG 0042' })[0]!.message).toBe(
      'Merchant ID contains a space at position 6: enter it without spaces, exactly as the payment gateway issued it',
    );
    expect(checkGatewayParameters({ ...good, merchantId: 'EICPG0042 ' })[0]!.message).toContain('contains a space at the end');
    expect(checkGatewayParameters({ ...good, merchantId: 'EICPG0042;' })[0]!.message).toBe(
      'Merchant ID contains ";" (U+003B) at position 10, which a Merchant ID never has (letters and digits only): copy it again from the gateway\'s merchant panel',
    );
    expect(checkGatewayParameters({ ...good, merchantId: 'EICPG\u200b0042' })[0]!.message).toContain('an invisible character (U+200B) at position 6');
    expect(checkGatewayParameters({ ...good, checksumKey: 'abc\tdef' })[0]!.message).toContain('Checksum key contains a tab (U+0009) at position 4');
    expect(checkGatewayParameters({ merchantId: '', checksumKey: '' }).map((p) => p.path)).toEqual(['merchantId', 'checksumKey']);
  });

  it('shows only the last four characters of a secret', () => {
    expect(lastFour('sbx_eic_4f1c9a7e2b6d8035')).toBe('8035');
    expect(lastFour('ab')).toBe('ab');
  });
});
