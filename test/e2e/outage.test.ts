/**
 * An outage during submission loses nothing: the worker's database is unreachable for the first five
 * attempts to prepare the signing payload (the whole retry budget the preparation had before, ~7.5 s:
 * the workflow then took the failure for "the application changed" and sent it back to its draft). Now the
 * preparation is retried through the outage and the exporter gets the bytes to sign.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationRow } from '../../db/entities/index.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { registerWithDsc, sign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
let pki: TestPki;
let raj: string;
/** the worker's reference data, read by the preparation activity: down while `failing` > 0 */
const outage = { failing: 0, refused: 0 };

beforeAll(async () => {
  stack = await startStack({ name: 'outage' });
  pki = await testPki(stack);
  const reference = stack.deps.reference;
  await stack.startWorker({
    reference: async () => {
      if (outage.failing > 0) {
        outage.failing--;
        outage.refused++;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      }
      return reference();
    },
  });
  raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
  await registerWithDsc(stack, pki, raj, 'AAACR5055K', 'exporter-raj');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('an outage during submission', () => {
  it('is ridden out: the preparation is retried past the old budget, the application stays submitted and can be signed', async () => {
    const draft = await createCompleteDraft(stack, raj);
    outage.failing = 5;
    const sub = await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: raj });
    expect(outage.refused).toBe(5);
    expect(sub.status, JSON.stringify(sub.body)).toBe(202);
    expect(sub.body.signing.purpose).toBe('submission');
    const row = await stack.orm.em.fork().findOneOrFail(ApplicationRow, { id: draft.id });
    expect(row.status).toBe('Pending Signature');

    const signed = await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, {
      token: raj,
      body: { signatureB64: sign(pki, 'exporter-raj', sub.body.signing.contentB64) },
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    await waitForStatus(stack, raj, draft.id, 'Pending Payment');
  }, 90_000);
});
