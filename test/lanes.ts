/**
 * How many end-to-end files run at once (E2E_LANES, default 2: the machines have 2 cores, and the files
 * mostly wait on Temporal and PostgreSQL). Each lane has its own PostgreSQL and Temporal (test/global-setup.ts).
 */
export function e2eLanes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.E2E_LANES ?? '2';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`E2E_LANES must be a whole number from 1 to 8, not "${raw}"`);
  return n;
}
