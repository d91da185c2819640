// Spaced repetition per member and question with FSRS (ts-fsrs): a right answer is rated Good, a
// wrong one Again, as ts-fsrs's maintainers suggest for multiple choice. Intervals are whole days:
// a quiz question seen again ten minutes later teaches nothing, so the short-term learning steps
// of flash cards are off.
import { createEmptyCard, fsrs, Rating, type Card } from 'ts-fsrs';

const scheduler = fsrs({ enable_fuzz: false, enable_short_term: false, learning_steps: [], relearning_steps: [] });

/** A card as stored in the database (JSON: dates as ISO strings). */
export type StoredCard = Record<string, unknown>;

function toCard(stored: StoredCard): Card {
  const card = stored as unknown as Card & { due: string | Date; last_review?: string | Date };
  return { ...card, due: new Date(card.due), last_review: card.last_review ? new Date(card.last_review) : undefined };
}

/** The card after one answer; `previous` is undefined the first time a member meets the question. */
export function reviewCard(previous: StoredCard | undefined, correct: boolean, now: Date): { card: StoredCard; due: Date } {
  const card = previous ? toCard(previous) : createEmptyCard(now);
  const next = scheduler.next(card, now, correct ? Rating.Good : Rating.Again).card;
  return { card: JSON.parse(JSON.stringify(next)) as StoredCard, due: next.due };
}

/** The probability (0..1) that the member still knows the answer now. */
export function retrievability(stored: StoredCard, now: Date): number {
  return scheduler.get_retrievability(toCard(stored), now, false);
}
