// /progress's readiness report: what a member did in a server (quiz answers, spaced-repetition
// cards, graded models), read from storage and judged by the rule in readiness-rule.ts.
import { and, count, eq, sql } from 'drizzle-orm';
import { bankOfKey, type QuizBankService } from './quiz-banks.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/client.ts';
import { quizAnswers, quizCards } from '../db/schema.ts';
import type { SubmissionService } from '../submissions/submission-service.ts';
import { assessReadiness, type Readiness, type ReadinessKnowledge, type ReadinessProblem, type StudyFacts } from './readiness-rule.ts';
import { retrievability } from './spaced-repetition.ts';

/** What a member did in a server, as the rule reads it. Cards count only from `servedPrefixes`: the reviews /quiz can give. */
export async function studyFacts(
  db: Database,
  guildId: string,
  userId: string,
  servedPrefixes: readonly string[],
  bestPoints: Map<string, number>,
  now: Date,
): Promise<StudyFacts> {
  const member = (table: typeof quizAnswers | typeof quizCards) => and(eq(table.guildId, guildId), eq(table.userId, userId));
  const [answers, cards] = await Promise.all([
    db
      .select({
        topic: quizAnswers.topic,
        skill: quizAnswers.skill,
        answers: count(),
        correct: sql<number>`count(*) filter (where ${quizAnswers.correct})`.mapWith(Number),
      })
      .from(quizAnswers)
      .where(member(quizAnswers))
      .groupBy(quizAnswers.topic, quizAnswers.skill),
    db
      .select({ questionKey: quizCards.questionKey, topic: quizCards.topic, skill: quizCards.skill, card: quizCards.card, due: quizCards.due })
      .from(quizCards)
      .where(member(quizCards)),
  ]);
  const served = new Set(servedPrefixes);
  return {
    answers,
    cards: cards
      .filter((c) => served.has(bankOfKey(c.questionKey)))
      .map((c) => ({ topic: c.topic, skill: c.skill, retrievability: retrievability(c.card, now), due: c.due.getTime() <= now.getTime() })),
    bestByProblem: [...bestPoints].map(([problemId, points]) => ({ problemId, points })),
  };
}

export class ReadinessService {
  constructor(
    private readonly db: Database,
    private readonly now: Clock,
    private readonly knowledge: ReadinessKnowledge,
    private readonly catalog: readonly ReadinessProblem[],
    private readonly banks: Pick<QuizBankService, 'servedPrefixes'>,
    private readonly grades: Pick<SubmissionService, 'bestPoints'>,
  ) {}

  /** The member's readiness in the server now. */
  async report(guildId: string, userId: string): Promise<Readiness> {
    const now = this.now();
    const [served, bestPoints] = await Promise.all([this.banks.servedPrefixes(guildId), this.grades.bestPoints(guildId, userId)]);
    const facts = await studyFacts(this.db, guildId, userId, served, bestPoints, now);
    return assessReadiness(facts, this.knowledge, this.catalog);
  }
}
