import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { whichSync } from '../infra/process.js';

/** A program the system drives for real, and the Debian package that carries it. */
export interface SystemProgram {
  program: string;
  pkg: string;
  why: string;
  /** looked for in these folders instead of PATH (Dovecot's services live outside PATH) */
  dirs?: string[];
}

const DOVECOT_LIBEXEC = ['/usr/lib/dovecot', '/usr/libexec/dovecot', '/usr/local/libexec/dovecot'];

/** The development mail server: `npm start` and the mail tests run a private Dovecot (IMAP + LMTP). */
export const MAIL_SERVER_PROGRAMS: SystemProgram[] = [
  { program: 'dovecot', pkg: 'dovecot-imapd', why: 'the development mail server (helpdesk mailbox, replies, notification mail)' },
  { program: 'imap', pkg: 'dovecot-imapd', why: "Dovecot's IMAP server", dirs: DOVECOT_LIBEXEC },
  { program: 'lmtp', pkg: 'dovecot-lmtpd', why: "Dovecot's LMTP delivery", dirs: DOVECOT_LIBEXEC },
];

/** Programs the tests drive for real, and the Debian package that carries each. */
export const SYSTEM_PROGRAMS: SystemProgram[] = [
  { program: 'pdfsig', pkg: 'poppler-utils', why: 'checks the PDF signatures' },
  { program: 'pdftoppm', pkg: 'poppler-utils', why: 'renders certificate pages' },
  { program: 'zbarimg', pkg: 'zbar-tools', why: 'decodes QR codes' },
  { program: 'certutil', pkg: 'libnss3-tools', why: 'trusts the test CA for pdfsig' },
  ...MAIL_SERVER_PROGRAMS,
  { program: 'chromium', pkg: 'chromium', why: 'drives the verification page' },
  { program: 'docker-compose', pkg: 'docker-compose', why: 'validates docker-compose.yml (no Docker engine needed)' },
];

const SBIN = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** What the installer needs from the machine; the defaults are the real machine, tests pass their own. */
export interface InstallerHost {
  /** whether the program is installed */
  have(p: SystemProgram): boolean;
  isRoot: boolean;
  /** runs a command with its output shown; the exit status */
  run(cmd: string, args: string[]): number | null;
}

export const realHost = (): InstallerHost => ({
  have: (p) => (p.dirs ? p.dirs.some((d) => isExecutable(`${d}/${p.program}`)) : !!whichSync(p.program, `${process.env.PATH ?? ''}:${SBIN.join(':')}`)),
  isRoot: process.getuid?.() === 0,
  run: (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status,
});

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The command that installs these packages, as a person would type it. */
export function installCommand(pkgs: string[], isRoot: boolean): string {
  return `${isRoot ? '' : 'sudo '}apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}

/**
 * Installs the Debian packages of the missing programs when we are root with apt-get (fresh machines),
 * saying what it does; otherwise says exactly what to run. Returns false when something is still missing.
 */
export function ensureSystemPackages(
  log: (line: string) => void,
  o: { programs?: SystemProgram[]; host?: InstallerHost } = {},
): boolean {
  const programs = o.programs ?? SYSTEM_PROGRAMS;
  const host = o.host ?? realHost();
  const apt: SystemProgram = { program: 'apt-get', pkg: 'apt', why: 'installs Debian packages' };
  const missing = programs.filter((p) => !host.have(p));
  if (missing.length === 0) return true;
  const pkgs = packagesFor(missing);
  if (host.isRoot && host.have(apt)) {
    log(`installing Debian packages: ${pkgs.join(' ')} (for ${missing.map((m) => m.program).join(', ')}); apt-get's output follows`);
    const args = ['install', '-y', '-q', '--no-install-recommends', ...pkgs];
    let status = host.run('apt-get', args);
    if (status !== 0) {
      log('apt-get install failed; refreshing the package lists (apt-get update) and trying again');
      host.run('apt-get', ['update', '-q']);
      status = host.run('apt-get', args);
    }
    // dovecot's package starts a system instance; this project runs its own private one
    if (pkgs.some((p) => p.startsWith('dovecot'))) host.run('sh', ['-c', 'service dovecot stop >/dev/null 2>&1 || true']);
    log(status === 0 ? `installed: ${pkgs.join(' ')}` : `apt-get install ended with exit code ${status}`);
  } else {
    log(
      host.isRoot
        ? `cannot install ${pkgs.join(' ')}: there is no apt-get on this machine (install them with its package manager)`
        : `cannot install ${pkgs.join(' ')} without root: run  ${installCommand(pkgs, false)}`,
    );
  }
  const still = programs.filter((p) => !host.have(p));
  for (const p of still) log(`missing: ${p.program} (${p.why}). Install it with: ${installCommand(packagesFor([p]), host.isRoot)}`);
  return still.length === 0;
}

/** Debian packages for these programs; Dovecot's IMAP server comes with its LMTP delivery. */
function packagesFor(programs: SystemProgram[]): string[] {
  const pkgs = new Set(programs.map((p) => p.pkg));
  if (pkgs.has('dovecot-imapd')) pkgs.add('dovecot-lmtpd');
  return [...pkgs];
}
