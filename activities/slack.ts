import type { SlackActivityDeps } from '../services/slack/deps.js';
import { createOfficerCardService } from '../services/slack/officer-card.js';
import { asActivities } from './failure.js';

/** The application workflow's Slack activity: the officer's message in the office channel. */
export function createSlackActivities(deps: { slack?: SlackActivityDeps | undefined }) {
  const cards = createOfficerCardService(deps);
  return asActivities({
    refreshOfficerCard: cards.refreshOfficerCard,
  });
}
