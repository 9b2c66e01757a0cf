/**
 * The people the IEC master lists for an IEC (`users`: one master, any additional users), with the id
 * each one signs in with. For the IEC master's users the single-sign-on subject is `<IEC>-<n>`, n counting
 * from 1 in the order of the list (the same rule as scripts/mint-token.ts).
 */
export interface IecUser {
  id: string;
  name: string;
  email: string;
  mobile: string;
  role: 'master' | 'additional';
}

export function iecUserId(iec: string, index: number): string {
  return `${iec}-${index + 1}`;
}

/** The users listed in an IEC master record; entries without a name or e-mail are skipped. */
export function iecUsersOf(record: { iec: string; users?: unknown }): IecUser[] {
  const list = Array.isArray(record.users) ? (record.users as unknown[]) : [];
  const out: IecUser[] = [];
  list.forEach((u, i) => {
    const r = (u ?? {}) as Record<string, unknown>;
    if (typeof r.name !== 'string' || typeof r.email !== 'string') return;
    out.push({
      id: iecUserId(record.iec, i),
      name: r.name,
      email: r.email,
      mobile: typeof r.mobile === 'string' ? r.mobile : '',
      role: r.role === 'master' ? 'master' : 'additional',
    });
  });
  return out;
}

export function masterUserOf(record: { iec: string; users?: unknown }): IecUser | null {
  return iecUsersOf(record).find((u) => u.role === 'master') ?? null;
}
