/**
 * Mints a bearer token for a demo user, signed with the local development key (AUTH_DEV_KEYS).
 *   npm run token -- --list              every demo user
 *   npm run token -- officer-eic-mum     a token for that user
 *   TOKEN=$(npm run -s token -- AAACR5055K-1)
 */
import { loadConfigOrExit } from '../lib/config.js';
import { devTokenLifetimeSeconds, loadOrCreateDevKey, mintToken } from '../lib/auth/dev-keys.js';
import type { Principal } from '../lib/auth/roles.js';
import { loadIecMaster, loadReferenceData } from '../domain/reference/load.js';

const config = loadConfigOrExit();
const ref = await loadReferenceData();
const iecMaster = await loadIecMaster();

const users: Principal[] = [
  ...ref.users.map((u) => ({
    sub: u.id,
    name: u.name,
    email: u.email,
    roles: [u.role],
    ...(u.officeCode ? { officeCode: u.officeCode } : {}),
    ...(u.agencyCode ? { agencyCode: u.agencyCode } : {}),
  })),
  ...iecMaster.exporters.flatMap((e) =>
    e.users.map((u, i) => ({ sub: `${e.iec}-${i + 1}`, name: u.name, email: u.email, roles: ['exporter' as const], iec: e.iec })),
  ),
];

const arg = process.argv[2];
if (!arg || arg === '--list') {
  console.log('Demo users (npm run token -- <id>):');
  for (const u of users) console.log(`  ${u.sub.padEnd(22)} ${u.roles.join(',').padEnd(13)} ${u.name}${u.iec ? `  IEC ${u.iec}` : ''}${u.officeCode ? `  office ${u.officeCode}` : ''}`);
  process.exit(0);
}
const user = users.find((u) => u.sub === arg);
if (!user) {
  console.error(`No demo user "${arg}". See: npm run token -- --list`);
  process.exit(2);
}
if (!config.auth.devKeys) {
  console.error('AUTH_DEV_KEYS is false: tokens come from your single-sign-on issuer.');
  process.exit(2);
}
const key = await loadOrCreateDevKey(config.auth.devKeyFile);
// valid 12 hours, or AUTH_MAX_TOKEN_LIFETIME when that is shorter: the API refuses longer-lived tokens
console.log(await mintToken(key, user, { issuer: config.auth.issuer, audience: config.auth.audience, lifetimeSeconds: devTokenLifetimeSeconds(config.auth.maxTokenLifetimeSeconds) }));
