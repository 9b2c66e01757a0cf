/**
 * Only an active IEC can be registered or used: DGFT suspends or cancels IECs, and the portal must refuse
 * them with a message that says what happened and what to do. Returns null when the IEC is active.
 */
export function iecStatusProblem(record: { iec: string; status?: unknown; statusReason?: unknown }): string | null {
  const status = typeof record.status === 'string' ? record.status.trim().toLowerCase() : '';
  if (status === 'active') return null;
  const reason = typeof record.statusReason === 'string' && record.statusReason.trim() ? ` (DGFT's reason: ${record.statusReason.trim()})` : '';
  switch (status) {
    case 'suspended':
      return (
        `IEC ${record.iec} is suspended in DGFT's IEC master${reason}, so it cannot be used for Certificates of Origin. ` +
        'Get the suspension revoked by DGFT (your DGFT regional authority), then register again.'
      );
    case 'cancelled':
    case 'canceled':
    case 'surrendered':
      return (
        `IEC ${record.iec} is ${status === 'surrendered' ? 'surrendered' : 'cancelled'} in DGFT's IEC master${reason}, so it cannot be used for Certificates of Origin. ` +
        'Only an active IEC can be registered; contact DGFT about the IEC.'
      );
    default:
      return `IEC ${record.iec} has the status "${String(record.status ?? 'unknown')}" in DGFT's IEC master${reason}; only an active IEC can be registered.`;
  }
}
