import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_KNOWLEDGE_DIR,
  KnowledgeBaseError,
  TOPIC_IDS,
  loadKnowledgeBase,
  type KnowledgeBase,
} from '../../src/tips/knowledge-base.ts';
import { checkTipText } from '../../src/tips/tip-text.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const knowledgeDir = join(projectRoot, 'knowledge');

describe('the real knowledge base', () => {
  let kb: KnowledgeBase;

  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });

  it('is loaded from the project knowledge/ directory by default', async () => {
    expect(join(DEFAULT_KNOWLEDGE_DIR)).toBe(join(knowledgeDir, '/'));
    const explicit = await loadKnowledgeBase(knowledgeDir);
    expect(explicit.tips.map((t) => t.id)).toEqual(kb.tips.map((t) => t.id));
  });

  it('has exactly the five topics, each with a name and description', () => {
    expect(kb.topics.map((t) => t.id).sort()).toEqual([...TOPIC_IDS].sort());
    for (const topic of kb.topics) {
      expect(topic.name.length).toBeGreaterThan(0);
      expect(topic.description.length).toBeGreaterThan(0);
    }
  });

  it('has at least 141 tips, at least 20 per topic', () => {
    expect(kb.tips.length).toBeGreaterThanOrEqual(141);
    for (const topic of TOPIC_IDS) {
      expect(kb.tipsByTopic(topic).length, topic).toBeGreaterThanOrEqual(20);
    }
    const perTopic = TOPIC_IDS.reduce((sum, topic) => sum + kb.tipsByTopic(topic).length, 0);
    expect(perTopic).toBe(kb.tips.length);
  });

  it('has at least 30 tips with a snippet', () => {
    expect(kb.tips.filter((tip) => tip.snippet !== undefined).length).toBeGreaterThanOrEqual(30);
  });

  it('refers only to skills that exist, in the tip topic', () => {
    const skills = new Map(kb.skills.map((skill) => [skill.id, skill]));
    for (const tip of kb.tips) {
      const skill = skills.get(tip.skill);
      expect(skill, `${tip.id} -> ${tip.skill}`).toBeDefined();
      expect(skill!.topic, tip.id).toBe(tip.topic);
    }
  });

  it('covers every skill of the checklist with at least two tips', () => {
    const tipsPerSkill = new Map(kb.skills.map((skill) => [skill.id, 0]));
    for (const tip of kb.tips) tipsPerSkill.set(tip.skill, (tipsPerSkill.get(tip.skill) ?? 0) + 1);
    const underTwo = [...tipsPerSkill].filter(([, count]) => count < 2).map(([skill, count]) => `${skill} (${count})`);
    expect(underTwo, 'skills with fewer than two tips').toEqual([]);
  });

  it('has unique kebab-case ids and passes the tip text rules', () => {
    expect(new Set(kb.tips.map((tip) => tip.id)).size).toBe(kb.tips.length);
    for (const tip of kb.tips) {
      expect(tip.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(checkTipText(tip), tip.id).toEqual({
        ok: true,
        value: tip.snippet === undefined ? { title: tip.title, body: tip.body } : { title: tip.title, body: tip.body, snippet: tip.snippet },
      });
    }
  });

  it('records the source file of each tip', () => {
    for (const tip of kb.tips) expect(tip.source).toMatch(/^tips\/[a-z0-9-]+\.yaml$/);
    expect(kb.tipById('windowed-dataset')?.source).toBe('tips/time-series.yaml');
  });

  it('finds tips by id and by topic', () => {
    const tip = kb.tipById('stop-at-target-accuracy');
    expect(tip?.topic).toBe('fundamentals');
    expect(tip?.snippet).toContain('self.model.stop_training = True');
    expect(kb.tipById('no-such-tip')).toBeUndefined();
    expect(kb.tipsByTopic('nlp').every((t) => t.topic === 'nlp')).toBe(true);
    // Callers get their own array.
    kb.tipsByTopic('nlp').length = 0;
    expect(kb.tipsByTopic('nlp').length).toBeGreaterThanOrEqual(20);
  });

  it('carries the exam-strategy advice the study groups rely on', () => {
    const text = kb
      .tipsByTopic('exam-strategy')
      .map((tip) => `${tip.title}\n${tip.body}\n${tip.snippet ?? ''}`)
      .join('\n');
    for (const phrase of ['Colab', 'snippet file', 'model.save("model.h5")', 'Lambda', 'do not change', 'PyCharm', 'five hours']) {
      expect(text.toLowerCase(), phrase).toContain(phrase.toLowerCase());
    }
  });
});

describe('a broken knowledge base', () => {
  let scratch: string;
  let copyCount = 0;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'knowledge-base-test-'));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** A fresh copy of the real knowledge base that a test may damage. */
  async function copyOfKnowledge(): Promise<string> {
    const dir = join(scratch, `copy-${++copyCount}`);
    await cp(knowledgeDir, dir, { recursive: true });
    return dir;
  }

  async function problemsOf(dir: string): Promise<string[]> {
    const error = await loadKnowledgeBase(dir).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KnowledgeBaseError);
    const kbError = error as KnowledgeBaseError;
    expect(kbError.message).toContain(dir);
    for (const problem of kbError.problems) expect(kbError.message).toContain(problem);
    return kbError.problems;
  }

  const tip = (fields: Record<string, string>) =>
    `- ${Object.entries(fields)
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
      .join('\n  ')}\n`;

  const validTip = {
    id: 'extra-tip',
    title: 'An extra tip',
    body: 'Some body text.',
    topic: 'nlp',
    skill: 'nlp.text-preparation',
  };

  it('loads a copy with one extra valid file (the fixture itself is sound)', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip(validTip));
    const kb = await loadKnowledgeBase(dir);
    expect(kb.tipById('extra-tip')?.source).toBe('tips/zz-extra.yaml');
  });

  it('reports a duplicate id across two files, naming both files', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip({ ...validTip, id: 'windowed-dataset' }));
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^tips\/zz-extra\.yaml line 1, entry #1 "windowed-dataset": duplicate tip id/);
    expect(problems[0]).toMatch(/already used in tips\/time-series\.yaml line \d+/);
  });

  it('reports a duplicate id within one file', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip(validTip) + tip(validTip));
    const problems = await problemsOf(dir);
    expect(problems).toEqual([
      'tips/zz-extra.yaml line 6, entry #2 "extra-tip": duplicate tip id "extra-tip", already used in tips/zz-extra.yaml line 1.',
    ]);
  });

  it('reports a missing field with the file, line and tip id', async () => {
    const dir = await copyOfKnowledge();
    const { body: _omitted, ...withoutBody } = validTip;
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip(validTip).replace('extra-tip', 'first') + tip(withoutBody));
    expect(await problemsOf(dir)).toEqual(['tips/zz-extra.yaml line 6, entry #2 "extra-tip": field "body" is missing.']);
  });

  it('names the entry by position when the id itself is missing', async () => {
    const dir = await copyOfKnowledge();
    const { id: _omitted, ...withoutId } = validTip;
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip(withoutId));
    expect(await problemsOf(dir)).toEqual(['tips/zz-extra.yaml line 1, entry #1: field "id" is missing.']);
  });

  it('reports unknown fields such as a misspelt snippet', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip({ ...validTip, snipet: 'x = 1' }));
    expect(await problemsOf(dir)).toEqual(['tips/zz-extra.yaml line 1, entry #1 "extra-tip": unknown field "snipet".']);
  });

  it('reports a field of the wrong type', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip(validTip).replace('"An extra tip"', '2024'));
    expect(await problemsOf(dir)).toEqual(['tips/zz-extra.yaml line 1, entry #1 "extra-tip": field "title" must be text.']);
  });

  it('reports an id that is not kebab-case', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip({ ...validTip, id: 'Extra_Tip' }));
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^tips\/zz-extra\.yaml line 1, entry #1 "Extra_Tip": field "id" must be kebab-case/);
  });

  it('reports an unknown topic', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip({ ...validTip, topic: 'reinforcement-learning' }));
    const problems = await problemsOf(dir);
    expect(problems).toEqual([
      'tips/zz-extra.yaml line 1, entry #1 "extra-tip": unknown topic "reinforcement-learning"; the topics are fundamentals, image-classification, nlp, time-series, exam-strategy.',
    ]);
  });

  it('reports a skill that belongs to another topic', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip({ ...validTip, skill: 'time-series.mae' }));
    expect(await problemsOf(dir)).toEqual([
      'tips/zz-extra.yaml line 1, entry #1 "extra-tip": skill "time-series.mae" belongs to topic "time-series", but the tip\'s topic is "nlp".',
    ]);
  });

  it('reports a skill that is not in skills.yaml', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip({ ...validTip, skill: 'nlp.transformers' }));
    expect(await problemsOf(dir)).toEqual([
      'tips/zz-extra.yaml line 1, entry #1 "extra-tip": skill "nlp.transformers" is not in skills.yaml.',
    ]);
  });

  it('reports text over the limits in the member-readable wording', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(
      join(dir, 'tips', 'zz-extra.yaml'),
      tip({ ...validTip, title: 't'.repeat(130), snippet: 's'.repeat(901) }),
    );
    expect(await problemsOf(dir)).toEqual([
      'tips/zz-extra.yaml line 1, entry #1 "extra-tip": The title is 130 characters; the limit is 100.',
      'tips/zz-extra.yaml line 1, entry #1 "extra-tip": The snippet is 901 characters; the limit is 900.',
    ]);
  });

  it('reports mentions and code fences in a tip', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(
      join(dir, 'tips', 'zz-extra.yaml'),
      tip({ ...validTip, body: 'Hello @here', snippet: '```python\nx = 1\n```' }),
    );
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('The body contains "@here"');
    expect(problems[1]).toContain('The snippet contains ``` (a code fence)');
  });

  it('reports a YAML syntax error with the file name and position', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), '- id: broken\n  title: "unterminated\n  body: x\n');
    const problems = await problemsOf(dir);
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatch(/^tips\/zz-extra\.yaml: YAML syntax error: .*line \d+, column \d+/);
  });

  it('reports a duplicate key inside one tip as a YAML error', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-extra.yaml'), tip(validTip) + '  title: "again"\n');
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^tips\/zz-extra\.yaml: YAML syntax error: .*unique/i);
  });

  it('reports a tip file that holds a mapping instead of a list, and an empty file', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-mapping.yaml'), 'id: lonely\ntitle: not in a list\n');
    await writeFile(join(dir, 'tips', 'zz-empty.yaml'), '# nothing yet\n');
    expect(await problemsOf(dir)).toEqual([
      'tips/zz-empty.yaml: the file is empty; it should hold a list of entries.',
      'tips/zz-mapping.yaml: the file should hold a list of entries (each starting with "- "), not a single value or mapping.',
    ]);
  });

  it('collects problems from several files into one error', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'tips', 'zz-a.yaml'), tip({ ...validTip, topic: 'robots' }));
    await writeFile(join(dir, 'tips', 'zz-b.yaml'), '- id: [unclosed\n');
    const nlpPath = join(dir, 'tips', 'nlp.yaml');
    const nlp = await readFile(nlpPath, 'utf8');
    await writeFile(nlpPath, nlp.replace('skill: nlp.text-generation', 'skill: nlp.poetry'));
    const problems = await problemsOf(dir);
    expect(problems.some((p) => p.startsWith('tips/nlp.yaml') && p.includes('"nlp.poetry" is not in skills.yaml'))).toBe(true);
    expect(problems.some((p) => p.startsWith('tips/zz-a.yaml') && p.includes('unknown topic "robots"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('tips/zz-b.yaml: YAML syntax error'))).toBe(true);
  });

  it('reports problems in skills.yaml', async () => {
    const dir = await copyOfKnowledge();
    const skillsPath = join(dir, 'skills.yaml');
    const skills = await readFile(skillsPath, 'utf8');
    await writeFile(
      skillsPath,
      skills +
        '- id: nlp.text-preparation\n  topic: nlp\n  text: again\n' +
        '- id: fundamentals.misfiled\n  topic: nlp\n  text: wrong prefix\n' +
        '- id: vision.edges\n  topic: vision\n  text: unknown topic\n',
    );
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^skills\.yaml line \d+, entry #\d+ "nlp\.text-preparation": duplicate skill id "nlp\.text-preparation" \(also at line \d+\)\.$/);
    expect(problems[1]).toMatch(/^skills\.yaml line \d+, entry #\d+ "fundamentals\.misfiled": skill id "fundamentals\.misfiled" must start with its topic, "nlp\."\.$/);
    expect(problems[2]).toMatch(/^skills\.yaml line \d+, entry #\d+ "vision\.edges": unknown topic "vision"/);
  });

  it('reports a missing or unknown topic in topics.yaml', async () => {
    const dir = await copyOfKnowledge();
    const topicsPath = join(dir, 'topics.yaml');
    const topics = await readFile(topicsPath, 'utf8');
    await writeFile(topicsPath, topics.replace('- id: nlp\n', '- id: language\n'));
    expect(await problemsOf(dir)).toEqual([
      expect.stringMatching(/^topics\.yaml line \d+, entry #3 "language": unknown topic id "language"/),
      'topics.yaml: topic "nlp" is missing.',
    ]);
  });

  it('reports missing files instead of crashing', async () => {
    const dir = await copyOfKnowledge();
    await unlink(join(dir, 'topics.yaml'));
    await rm(join(dir, 'tips'), { recursive: true });
    expect(await problemsOf(dir)).toEqual([
      'topics.yaml: cannot be read (file not found).',
      'tips/: cannot be read (directory not found).',
    ]);
  });

  it('does not flood every tip with "unknown skill" when skills.yaml is unreadable', async () => {
    const dir = await copyOfKnowledge();
    await writeFile(join(dir, 'skills.yaml'), '- id: [oops\n');
    const problems = await problemsOf(dir);
    expect(problems.every((p) => p.startsWith('skills.yaml: YAML syntax error'))).toBe(true);
  });
});
