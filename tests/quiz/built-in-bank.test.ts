// The built-in quiz bank: valid by the rules, and covering the exam's syllabus (every skill of the
// checklist at least three times, every topic at every difficulty, a fifth of it hard).
import { describe, expect, it } from 'vitest';
import { DIFFICULTIES, loadQuestionBank, questionCounts } from '../../src/quiz/question-bank.ts';
import { loadKnowledgeBase, TOPIC_IDS } from '../../src/tips/knowledge-base.ts';
import { cleanEnv, runCli } from '../support/run-cli.ts';

describe('the built-in question bank', () => {
  it('loads, and covers every skill at least three times with at least 250 questions, 50 of them hard', async () => {
    const { skills } = await loadKnowledgeBase();
    const bank = await loadQuestionBank(skills);
    expect(bank.questions.length).toBeGreaterThanOrEqual(250);
    expect(bank.questions.filter((q) => q.difficulty === 'hard').length).toBeGreaterThanOrEqual(50);
    const thin = questionCounts(bank.questions, skills).filter((row) => row.total < 3);
    expect(thin.map((row) => `${row.skill}: ${row.total}`)).toEqual([]);
    for (const topic of TOPIC_IDS) {
      for (const difficulty of DIFFICULTIES) {
        expect(bank.questions.some((q) => q.topic === topic && q.difficulty === difficulty), `${topic} ${difficulty}`).toBe(true);
      }
    }
  });

  it('is listed by tf-study-bot questions with its counts per skill and difficulty', async () => {
    const run = await runCli(['questions', '--json'], { env: cleanEnv() });
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as { questions: { id: string }[]; counts: { skill: string; total: number }[] };
    const { skills } = await loadKnowledgeBase();
    expect(listed.questions).toHaveLength((await loadQuestionBank(skills)).questions.length);
    expect(listed.counts.map((row) => row.skill)).toEqual(skills.map((skill) => skill.id));
    const text = await runCli(['questions'], { env: cleanEnv() });
    expect(text.stdout).toMatch(new RegExp(`^${listed.questions.length} questions \\(easy \\d+, medium \\d+, hard \\d+\\) over ${skills.length} of ${skills.length} skills$`, 'm'));
  });
});
