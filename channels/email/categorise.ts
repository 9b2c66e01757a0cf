/**
 * Classifies a helpdesk mail against the known problems of faq.ts and proposes the matching fix.
 * Pure and explainable: each category scores the weights of the signals found in the subject and
 * the new text of the mail; the reasons are returned for the staff who review the ticket.
 */
import { extractReferences, type MailReferences } from './extract-references.js';
import { KNOWN_PROBLEMS, type HelpdeskCategory } from './faq.js';

export interface Categorisation {
  category: HelpdeskCategory;
  title: string;
  /** 0–1: how sure the match is (≥ 0.85 with the portal's own error text) */
  confidence: number;
  /** the fix to send in the first answer; null for "other" */
  fix: string | null;
  source: string | null;
  /** the signals found, in words */
  reasons: string[];
  /** other categories that also matched, best first */
  alternatives: { category: HelpdeskCategory; confidence: number }[];
  references: MailReferences;
}

/** Below this score a mail is "other": one weak word is not enough to answer with a fix. */
const MIN_SCORE = 2;

function confidenceOf(score: number): number {
  return Math.min(0.97, 1 - 0.5 ** score);
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[ \t\u00a0]+/g, ' ');
}

export function categorise(mail: { subject?: string | null; text: string }): Categorisation {
  const haystack = normalise(`${mail.subject ?? ''}\n${mail.text}`);
  const scored = KNOWN_PROBLEMS.map((p) => {
    const hits = p.signals.filter((s) => s.pattern.test(haystack));
    return { problem: p, score: hits.reduce((n, s) => n + s.weight, 0), reasons: [...new Set(hits.map((s) => s.label))] };
  })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const references = extractReferences(`${mail.subject ?? ''}\n${mail.text}`);
  const top = scored[0];
  if (!top || top.score < MIN_SCORE) {
    return {
      category: 'other',
      title: 'Other question',
      confidence: top ? 0.3 : 0.5,
      fix: null,
      source: null,
      reasons: top ? top.reasons : [],
      alternatives: scored.map((s) => ({ category: s.problem.category, confidence: confidenceOf(s.score) })),
      references,
    };
  }
  const runnerUp = scored[1];
  let confidence = confidenceOf(top.score);
  // Another problem with its own strong evidence means the mail may be about both: staff should look.
  if (runnerUp && runnerUp.score >= top.score) confidence *= 0.75;
  else if (runnerUp && runnerUp.score >= 3) confidence *= 0.8;
  else if (runnerUp && runnerUp.score >= top.score - 1) confidence *= 0.9;
  return {
    category: top.problem.category,
    title: top.problem.title,
    confidence: Math.round(confidence * 100) / 100,
    fix: top.problem.fix,
    source: top.problem.source,
    reasons: top.reasons,
    alternatives: scored.slice(1).map((s) => ({ category: s.problem.category, confidence: Math.round(confidenceOf(s.score) * 100) / 100 })),
    references,
  };
}
