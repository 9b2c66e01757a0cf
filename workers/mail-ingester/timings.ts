import type { Duration } from '@temporalio/common';
import type { Config } from '../../lib/config.js';
import type { TicketTimings } from '../../workflows/helpdesk-ticket/contract.js';

/** The ticket waits from the configuration (validated there as durations: "4 hours", "30 seconds"). */
export function ticketTimingsFromConfig(config: Config): TicketTimings {
  const h = config.helpdesk;
  return {
    sla: h.sla as Duration,
    ...(h.escalateEvery ? { escalateEvery: h.escalateEvery as Duration } : {}),
    closeAfterResolved: h.closeAfterResolved as Duration,
    closeAfterNoReply: h.closeAfterNoReply as Duration,
  };
}
