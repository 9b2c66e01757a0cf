import { spawnSync } from 'node:child_process';
import { whichSync } from '../infra/process.js';

/** Programs the tests drive for real, and the Debian package that carries each. */
export const SYSTEM_PROGRAMS: { program: string; pkg: string; why: string }[] = [
  { program: 'pdfsig', pkg: 'poppler-utils', why: 'checks the PDF signatures' },
  { program: 'pdftoppm', pkg: 'poppler-utils', why: 'renders certificate pages' },
  { program: 'zbarimg', pkg: 'zbar-tools', why: 'decodes QR codes' },
  { program: 'certutil', pkg: 'libnss3-tools', why: 'trusts the test CA for pdfsig' },
  { program: 'dovecot', pkg: 'dovecot-imapd', why: 'the IMAP server of the mail tests' },
  { program: 'chromium', pkg: 'chromium', why: 'drives the verification page' },
  { program: 'docker-compose', pkg: 'docker-compose', why: 'validates docker-compose.yml (no Docker engine needed)' },
];

const SBIN = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

function have(program: string): boolean {
  return !!whichSync(program, `${process.env.PATH ?? ''}:${SBIN.join(':')}`);
}

/**
 * Installs the missing Debian packages when we are root with apt-get (fresh CI machines); otherwise
 * says exactly what to install. Returns false when something is still missing.
 */
export function ensureSystemPackages(log: (line: string) => void): boolean {
  const missing = SYSTEM_PROGRAMS.filter((p) => !have(p.program));
  if (missing.length === 0) return true;
  const pkgs = [...new Set(missing.map((m) => m.pkg)), ...(missing.some((m) => m.pkg === 'dovecot-imapd') ? ['dovecot-lmtpd'] : [])];
  const isRoot = process.getuid?.() === 0;
  if (isRoot && have('apt-get')) {
    log(`installing Debian packages: ${pkgs.join(' ')} (for ${missing.map((m) => m.program).join(', ')})`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
    }
    // dovecot's package starts a system instance; the tests run their own private one
    spawnSync('sh', ['-c', 'service dovecot stop >/dev/null 2>&1 || true']);
  }
  const still = SYSTEM_PROGRAMS.filter((p) => !have(p.program));
  for (const p of still) log(`missing: ${p.program} (${p.why}). Install it with: apt-get install ${p.pkg}${p.pkg === 'dovecot-imapd' ? ' dovecot-lmtpd' : ''}`);
  return still.length === 0;
}
