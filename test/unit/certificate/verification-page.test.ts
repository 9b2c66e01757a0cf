import { describe, expect, it } from 'vitest';
import { createCaptcha } from '../../../services/certificate/captcha.js';
import { sampleOmanCertificate } from '../../../services/certificate/samples.js';
import {
  publicCertificateView,
  renderCertificatePage,
  renderLookupPage,
  renderNotFoundPage,
  renderRateLimitedPage,
  renderWrongCaptchaPage,
} from '../../../services/certificate/verification-page.js';
import type { CertificateRecord } from '../../../domain/certificate/types.js';

const captcha = () => createCaptcha({ secret: 's' });

function record(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  const document = sampleOmanCertificate();
  return {
    certificateNumber: document.certificateNumber,
    status: 'issued',
    issuedAt: '2026-06-02T09:41:00.000Z',
    document,
    history: [{ at: '2026-06-02T09:41:00.000Z', type: 'issued', description: 'Certificate issued and digitally signed' }],
    ...overrides,
  };
}

describe('verification pages', () => {
  it('are complete documents with no external assets', () => {
    for (const html of [
      renderLookupPage({}, { captcha: captcha() }),
      renderCertificatePage({}, { record: record() }),
      renderNotFoundPage({}),
      renderRateLimitedPage({}, { retryAfterSeconds: 90 }),
    ]) {
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('<html lang="en">');
      expect(html).not.toMatch(/<(link|img|iframe)\b/);
      expect(html).not.toMatch(/src=|@import|url\(/);
      expect(html).toContain('<meta name="referrer" content="no-referrer">');
    }
  });

  it('escape everything that comes from the application', () => {
    const r = record();
    r.document!.exporter.name = '<script>alert(1)</script> & "Sons"';
    r.history.push({ at: '2026-06-03T00:00:00.000Z', type: 'note', description: '<img src=x onerror=alert(1)>' });
    const html = renderCertificatePage({}, { record: r });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;');
    const form = renderLookupPage({}, { captcha: captcha(), number: '"><script>x</script>' });
    expect(form).not.toContain('"><script>x');
  });

  it('the wrong-captcha page keeps the number, flags the field and announces the error', () => {
    const html = renderWrongCaptchaPage({}, { captcha: captcha(), number: 'EIC/MUM/IOCEPA/2026/000142' });
    expect(html).toContain('role="alert"');
    expect(html).toContain('The security code was not typed correctly.');
    expect(html).toMatch(/id="captcha"[^>]*aria-invalid="true"/);
    expect(html).toContain('value="EIC/MUM/IOCEPA/2026/000142"');
    expect(renderWrongCaptchaPage({}, { captcha: captcha(), expired: true })).toContain('The security code has expired.');
  });

  it('"not found" says nothing more', () => {
    const html = renderNotFoundPage({});
    expect(html).toContain('No certificate with this number was found.');
    expect(html).not.toMatch(/similar|did you mean|exists/i);
  });

  it('shows the live status: issued, superseded by an in-lieu certificate (linked), cancelled', () => {
    expect(renderCertificatePage({}, { record: record() })).toContain('Valid — issued');
    const by = { certificateNumber: 'EIC/2026/031/0000001A/00000001', kind: 'in-lieu' as const, issueDate: '2026-06-20', verificationUrl: 'https://coo.test/verify?no=EIC/2026/031/0000001A/00000001&t=tok' };
    const sup = renderCertificatePage({}, { record: record({ status: 'superseded', supersededBy: by.certificateNumber, superseded: { by, at: '2026-06-20T08:15:00Z', reason: 'Importer name corrected' } }) });
    expect(sup).toContain('Superseded — not in force');
    expect(sup).toContain(
      'Superseded by <a class="mono" href="https://coo.test/verify?no=EIC/2026/031/0000001A/00000001&amp;t=tok">EIC/2026/031/0000001A/00000001</a> on 20 JUN 2026 — Importer name corrected',
    );
    expect(sup).toContain('keeps verifying cryptographically');
    const rev = renderCertificatePage({}, { record: record({ status: 'cancelled', cancellation: { at: '2026-07-01T00:00:00Z', reason: 'Issued on forged invoice' } }) });
    expect(rev).toContain('Cancelled — not valid');
    expect(rev).toContain('Cancelled on 01 JUL 2026 — Issued on forged invoice');
    expect(rev).toContain('This certificate is NOT valid');
  });

  it('puts the nonce on inline style and script when given', () => {
    const html = renderCertificatePage({ nonce: 'abc123' }, { record: record(), jwks: { keys: [] } });
    expect(html).toContain('<style nonce="abc123">');
    expect(html).toContain('<script nonce="abc123">');
  });

  it('gives the same information as JSON', () => {
    const view = publicCertificateView(record({ status: 'superseded', supersededBy: 'X/D1' }), new Date('2026-06-05T00:00:00Z'));
    expect(view).toMatchObject({
      certificateNumber: 'EIC/MUM/IOCEPA/2026/000142',
      status: 'superseded',
      valid: false,
      statusText: 'Superseded — not in force',
      statusDetails: ['Superseded by X/D1', 'Only certificate X/D1 may be used to claim preference.'],
      supersededBy: 'X/D1',
      checkedAt: '2026-06-05T00:00:00.000Z',
      totals: { items: 3, currency: 'USD', hsCodes: ['030617', '030743', '160414'] },
    });
    expect(view.certificate!.exporter.iec).toBe('AAACR5055K');
  });
});
