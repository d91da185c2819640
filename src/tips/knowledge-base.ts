// Loads the knowledge base that /tip draws from: knowledge/topics.yaml, knowledge/skills.yaml and
// every knowledge/tips/*.yaml. Study-group leads edit these files by hand, so the loader reports
// every problem at once, each naming the file, the line and the tip, instead of stopping at the first.
import { OperatorError } from '../operator-error.ts';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';
import { checkTipText } from './tip-text.ts';
import { describeIssues, idOf, readYamlList, where } from '../io/yaml-list.ts';

export const TOPIC_IDS = ['fundamentals', 'image-classification', 'nlp', 'time-series', 'exam-strategy'] as const;
export type TopicId = (typeof TOPIC_IDS)[number];

export type Topic = { id: TopicId; name: string; description: string };
export type Skill = { id: string; topic: TopicId; text: string };
export type Tip = {
  id: string;
  title: string;
  body: string;
  topic: TopicId;
  skill: string;
  snippet?: string;
  /** The file the tip came from, relative to the knowledge directory (e.g. "tips/nlp.yaml"). */
  source: string;
};

export type KnowledgeBase = {
  topics: Topic[];
  skills: Skill[];
  tips: Tip[];
  tipById(id: string): Tip | undefined;
  tipsByTopic(topicId: TopicId): Tip[];
};

export const DEFAULT_KNOWLEDGE_DIR = fileURLToPath(new URL('../../knowledge/', import.meta.url));

export class KnowledgeBaseError extends OperatorError {
  override name = 'KnowledgeBaseError';

  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`The knowledge base in ${dir} has ${count}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function isTopicId(value: unknown): value is TopicId {
  return typeof value === 'string' && (TOPIC_IDS as readonly string[]).includes(value);
}

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SKILL_ID = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z0-9]+(?:-[a-z0-9]+)*)$/;

const text = z.string({
  error: (issue) => (issue.input === undefined || issue.input === null ? 'is missing' : 'must be text'),
});

const topicSchema = z.strictObject({ id: text, name: text.trim().min(1, 'is empty'), description: text.trim().min(1, 'is empty') });
const skillSchema = z.strictObject({ id: text, topic: text, text: text.trim().min(1, 'is empty') });
const tipSchema = z.strictObject({
  id: text.regex(KEBAB_CASE, 'must be kebab-case (lowercase letters, digits and single hyphens)'),
  title: text,
  body: text,
  topic: text,
  skill: text,
  snippet: text.optional(),
});

async function loadTopics(dir: string, problems: string[]): Promise<Topic[]> {
  const file = 'topics.yaml';
  const parsed = await readYamlList(dir, file, problems);
  if (!parsed) return [];
  const topics: Topic[] = [];
  const seen = new Map<string, number>();
  parsed.items.forEach(({ value, line }, index) => {
    const label = where(file, index, line, idOf(value));
    const result = topicSchema.safeParse(value);
    if (!result.success) {
      for (const issue of describeIssues(result.error)) problems.push(`${label}: ${issue}.`);
      return;
    }
    const { id, name, description } = result.data;
    if (!isTopicId(id)) {
      problems.push(`${label}: unknown topic id "${id}"; the topics are ${TOPIC_IDS.join(', ')}.`);
      return;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      problems.push(`${label}: duplicate topic id "${id}" (also at line ${earlier}).`);
      return;
    }
    seen.set(id, line ?? 0);
    topics.push({ id, name, description });
  });
  for (const id of TOPIC_IDS) {
    if (!seen.has(id) && parsed.items.length > 0) problems.push(`${file}: topic "${id}" is missing.`);
  }
  return topics;
}

async function loadSkills(dir: string, problems: string[]): Promise<Skill[]> {
  const file = 'skills.yaml';
  const parsed = await readYamlList(dir, file, problems);
  if (!parsed) return [];
  const skills: Skill[] = [];
  const seen = new Map<string, number>();
  parsed.items.forEach(({ value, line }, index) => {
    const label = where(file, index, line, idOf(value));
    const result = skillSchema.safeParse(value);
    if (!result.success) {
      for (const issue of describeIssues(result.error)) problems.push(`${label}: ${issue}.`);
      return;
    }
    const { id, topic, text: skillText } = result.data;
    if (!isTopicId(topic)) {
      problems.push(`${label}: unknown topic "${topic}"; the topics are ${TOPIC_IDS.join(', ')}.`);
      return;
    }
    const match = SKILL_ID.exec(id);
    if (!match) {
      problems.push(`${label}: skill id "${id}" must look like "${topic}.kebab-case-name".`);
      return;
    }
    if (match[1] !== topic) {
      problems.push(`${label}: skill id "${id}" must start with its topic, "${topic}.".`);
      return;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      problems.push(`${label}: duplicate skill id "${id}" (also at line ${earlier}).`);
      return;
    }
    seen.set(id, line ?? 0);
    skills.push({ id, topic, text: skillText });
  });
  return skills;
}

async function listTipFiles(dir: string, problems: string[]): Promise<string[]> {
  try {
    const names = await readdir(join(dir, 'tips'));
    const files = names.filter((name) => /\.ya?ml$/i.test(name)).sort();
    if (files.length === 0) problems.push('tips/: no .yaml files found; tips live in tips/<topic>.yaml.');
    return files.map((name) => `tips/${name}`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`tips/: cannot be read (${code === 'ENOENT' ? 'directory not found' : String(error)}).`);
    return [];
  }
}

async function loadTips(dir: string, skills: Skill[], skillsReadable: boolean, problems: string[]): Promise<Tip[]> {
  const skillById = new Map(skills.map((skill) => [skill.id, skill]));
  const firstSeen = new Map<string, string>();
  const tips: Tip[] = [];
  for (const file of await listTipFiles(dir, problems)) {
    const parsed = await readYamlList(dir, file, problems);
    if (!parsed) continue;
    parsed.items.forEach(({ value, line }, index) => {
      const label = where(file, index, line, idOf(value));
      const result = tipSchema.safeParse(value);
      const id = idOf(value);
      // A duplicate id is reported even when the entry has other problems.
      if (typeof id === 'string' && id !== '') {
        const location = `${file}${line === undefined ? '' : ` line ${line}`}`;
        const earlier = firstSeen.get(id);
        if (earlier !== undefined) {
          problems.push(`${label}: duplicate tip id "${id}", already used in ${earlier}.`);
        } else {
          firstSeen.set(id, location);
        }
      }
      if (!result.success) {
        for (const issue of describeIssues(result.error)) problems.push(`${label}: ${issue}.`);
        return;
      }
      const entry = result.data;
      const entryProblems: string[] = [];
      if (!isTopicId(entry.topic)) {
        entryProblems.push(`unknown topic "${entry.topic}"; the topics are ${TOPIC_IDS.join(', ')}.`);
      }
      const skill = skillById.get(entry.skill);
      if (skill === undefined) {
        if (skillsReadable) entryProblems.push(`skill "${entry.skill}" is not in skills.yaml.`);
      } else if (isTopicId(entry.topic) && skill.topic !== entry.topic) {
        entryProblems.push(
          `skill "${entry.skill}" belongs to topic "${skill.topic}", but the tip's topic is "${entry.topic}".`,
        );
      }
      const checked = checkTipText(entry);
      if (!checked.ok) entryProblems.push(...checked.reason);
      if (entryProblems.length > 0 || !checked.ok || !isTopicId(entry.topic)) {
        for (const problem of entryProblems) problems.push(`${label}: ${problem}`);
        return;
      }
      const tip: Tip = {
        id: entry.id,
        title: checked.value.title,
        body: checked.value.body,
        topic: entry.topic,
        skill: entry.skill,
        source: file,
      };
      if (checked.value.snippet !== undefined) tip.snippet = checked.value.snippet;
      tips.push(tip);
    });
  }
  return tips;
}

/**
 * Reads and validates the knowledge base in `dir` (default: the project's knowledge/ directory).
 * Throws one KnowledgeBaseError listing every problem found.
 */
export async function loadKnowledgeBase(dir: string = DEFAULT_KNOWLEDGE_DIR): Promise<KnowledgeBase> {
  const problems: string[] = [];
  const topics = await loadTopics(dir, problems);
  const problemsBeforeSkills = problems.length;
  const skills = await loadSkills(dir, problems);
  // When skills.yaml itself is unreadable, "skill not in skills.yaml" for every tip is only noise.
  const skillsReadable = skills.length > 0 || problems.length === problemsBeforeSkills;
  const tips = await loadTips(dir, skills, skillsReadable, problems);
  if (problems.length > 0) throw new KnowledgeBaseError(dir, problems);

  const byId = new Map(tips.map((tip) => [tip.id, tip]));
  const byTopic = new Map<TopicId, Tip[]>(TOPIC_IDS.map((id) => [id, []]));
  for (const tip of tips) byTopic.get(tip.topic)!.push(tip);
  return {
    topics,
    skills,
    tips,
    tipById: (id) => byId.get(id),
    tipsByTopic: (topicId) => [...(byTopic.get(topicId) ?? [])],
  };
}
