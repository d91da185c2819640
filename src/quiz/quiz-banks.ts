// Which questions a server's quiz serves: the built-in bank (unless switched off) and the banks the
// server imported, each of which belongs to that server only. Questions are named by a key that
// says which bank they come from, `builtin:<id>` or `bank<n>:<id>`, so two banks may use one id.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/client.ts';
import { quizBankQuestions, quizBanks } from '../db/schema.ts';
import { ok, refused, type Result } from '../result.ts';
import type { GuildSettingsService } from '../settings/guild-settings.ts';
import type { Skill, TopicId } from '../tips/knowledge-base.ts';
import { sharedTextProblems } from '../tips/tip-text.ts';
import { checkBankFile, type Difficulty, type Question, type QuestionBank } from './question-bank.ts';

export const BUILTIN_BANK = 'builtin';
/** Banks a server may import: with the built-in one, each gets an on/off button in /quiz banks. */
export const MAX_IMPORTED_BANKS = 20;
export const BANK_NAME_MAX = 40;

/** A question as selection sees it, before its text is read. */
export type QuestionCandidate = { key: string; topic: TopicId; skill: string; difficulty: Difficulty };
export type QuestionFilter = { topic?: TopicId; difficulty?: Difficulty };

export type BankView = {
  /** `builtin` or `bank<n>`: the prefix of its questions' keys. */
  prefix: string;
  name: string;
  questions: number;
  enabled: boolean;
  importedBy?: string;
  importedAt?: Date;
};

export type ImportRefusal = { kind: 'invalid-file'; problems: string[] } | { kind: 'invalid-name'; problems: string[] } | { kind: 'too-many-banks'; names: string[] };

export function questionKey(prefix: string, id: string): string {
  return `${prefix}:${id}`;
}

function bankPrefix(bankId: number): string {
  return `bank${bankId}`;
}

function parseKey(key: string): { prefix: string; id: string } {
  const colon = key.indexOf(':');
  return { prefix: key.slice(0, colon), id: key.slice(colon + 1) };
}

/** The bank a question key comes from: `builtin` or `bank<n>`. */
export function bankOfKey(key: string): string {
  return parseKey(key).prefix;
}

export class QuizBankService {
  constructor(
    private readonly db: Database,
    private readonly builtin: QuestionBank,
    private readonly skills: Skill[],
    private readonly settings: GuildSettingsService,
    private readonly clock: Clock,
  ) {}

  /** Every bank of the server, the built-in one first, with whether /quiz serves it. */
  async banks(guildId: string): Promise<BankView[]> {
    const [settings, rows] = await Promise.all([
      this.settings.get(guildId),
      this.db.select().from(quizBanks).where(eq(quizBanks.guildId, guildId)).orderBy(asc(quizBanks.name)),
    ]);
    return [
      { prefix: BUILTIN_BANK, name: 'Built-in', questions: this.builtin.questions.length, enabled: settings.quizBuiltinEnabled },
      ...rows.map((row) => ({
        prefix: bankPrefix(row.id),
        name: row.name,
        questions: row.questionCount,
        enabled: row.enabled,
        importedBy: row.importedBy,
        importedAt: row.importedAt,
      })),
    ];
  }

  /** The key prefixes of the banks switched on: what /quiz serves in this server. */
  async servedPrefixes(guildId: string): Promise<string[]> {
    return (await this.banks(guildId)).filter((bank) => bank.enabled).map((bank) => bank.prefix);
  }

  /** Switches a bank on or off; undefined when the server has no such bank. */
  async setEnabled(guildId: string, prefix: string, enabled: boolean): Promise<BankView | undefined> {
    if (prefix === BUILTIN_BANK) {
      await this.settings.update(guildId, { quizBuiltinEnabled: enabled });
    } else {
      const id = Number(/^bank(\d+)$/.exec(prefix)?.[1]);
      if (!Number.isSafeInteger(id)) return undefined;
      const updated = await this.db
        .update(quizBanks)
        .set({ enabled })
        .where(and(eq(quizBanks.guildId, guildId), eq(quizBanks.id, id)))
        .returning({ id: quizBanks.id });
      if (updated.length === 0) return undefined;
    }
    return (await this.banks(guildId)).find((bank) => bank.prefix === prefix);
  }

  /** The questions served in the server, optionally of one topic or difficulty. */
  async candidates(guildId: string, filter: QuestionFilter = {}): Promise<QuestionCandidate[]> {
    const banks = await this.banks(guildId);
    const served = (question: { topic: string; difficulty: string }) =>
      (filter.topic === undefined || question.topic === filter.topic) && (filter.difficulty === undefined || question.difficulty === filter.difficulty);
    const candidates: QuestionCandidate[] = [];
    if (banks[0].enabled) {
      for (const q of this.builtin.questions) {
        if (served(q)) candidates.push({ key: questionKey(BUILTIN_BANK, q.id), topic: q.topic, skill: q.skill, difficulty: q.difficulty });
      }
    }
    const imported = banks.filter((bank) => bank.prefix !== BUILTIN_BANK && bank.enabled).map((bank) => Number(bank.prefix.slice(4)));
    if (imported.length > 0) {
      const rows = await this.db
        .select({ bankId: quizBankQuestions.bankId, id: quizBankQuestions.questionId, topic: quizBankQuestions.topic, skill: quizBankQuestions.skill, difficulty: quizBankQuestions.difficulty })
        .from(quizBankQuestions)
        .where(
          and(
            inArray(quizBankQuestions.bankId, imported),
            filter.topic ? eq(quizBankQuestions.topic, filter.topic) : undefined,
            filter.difficulty ? eq(quizBankQuestions.difficulty, filter.difficulty) : undefined,
          ),
        );
      for (const row of rows) {
        candidates.push({ key: questionKey(bankPrefix(row.bankId), row.id), topic: row.topic as TopicId, skill: row.skill, difficulty: row.difficulty as Difficulty });
      }
    }
    return candidates;
  }

  /** A question of this server's banks by its key (switched on or not), or undefined. */
  async question(guildId: string, key: string): Promise<Question | undefined> {
    const { prefix, id } = parseKey(key);
    if (prefix === BUILTIN_BANK) return this.builtin.questionById(id);
    const bankId = Number(/^bank(\d+)$/.exec(prefix)?.[1]);
    if (!Number.isSafeInteger(bankId)) return undefined;
    const [row] = await this.db
      .select({ question: quizBankQuestions.question })
      .from(quizBankQuestions)
      .innerJoin(quizBanks, eq(quizBanks.id, quizBankQuestions.bankId))
      .where(and(eq(quizBanks.guildId, guildId), eq(quizBankQuestions.bankId, bankId), eq(quizBankQuestions.questionId, id)));
    return row?.question as Question | undefined;
  }

  /**
   * Imports a bank file under a name (by default the file's name). Nothing is saved unless the whole
   * file is valid. A bank imported again under its name is replaced, and keeps its on/off switch.
   */
  async import(
    guildId: string,
    file: { name: string; bytes: Uint8Array },
    options: { name?: string; importedBy: string },
  ): Promise<Result<{ bank: BankView; replaced: boolean }, ImportRefusal>> {
    const name = (options.name ?? file.name.replace(/\.[^.]*$/, '')).trim();
    const nameProblems = [
      ...(name.length === 0 ? ['The bank name is empty.'] : []),
      ...(name.length > BANK_NAME_MAX ? [`The bank name is over ${BANK_NAME_MAX} characters.`] : []),
      ...(name.toLowerCase() === 'built-in' || name.toLowerCase() === BUILTIN_BANK ? ['"Built-in" names the bank that comes with the bot; choose another name.'] : []),
      ...sharedTextProblems('The bank name', name),
      ...(/[\n\r]/.test(name) ? ['The bank name must be one line.'] : []),
      ...(/https?:\/\/|\]\(/i.test(name) ? ['The bank name holds a link; a name is plain text.'] : []),
    ];
    if (nameProblems.length > 0) return refused({ kind: 'invalid-name', problems: nameProblems });
    const checked = checkBankFile(file, this.skills);
    if (!checked.ok) return refused({ kind: 'invalid-file', problems: checked.reason });
    const questions = checked.value;
    const now = this.clock();
    const outcome = await this.db.transaction(async (tx) => {
      // One import at a time per server, so the bank count below holds.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`quiz-banks:${guildId}`}))`);
      const existing = await tx.select({ id: quizBanks.id, name: quizBanks.name }).from(quizBanks).where(eq(quizBanks.guildId, guildId));
      const same = existing.find((bank) => bank.name.toLowerCase() === name.toLowerCase());
      if (!same && existing.length >= MAX_IMPORTED_BANKS) return refused({ kind: 'too-many-banks' as const, names: existing.map((b) => b.name) });
      let bankId: number;
      if (same) {
        bankId = same.id;
        await tx.delete(quizBankQuestions).where(eq(quizBankQuestions.bankId, bankId));
        await tx.update(quizBanks).set({ name, questionCount: questions.length, importedBy: options.importedBy, importedAt: now }).where(eq(quizBanks.id, bankId));
      } else {
        const [row] = await tx
          .insert(quizBanks)
          .values({ guildId, name, questionCount: questions.length, importedBy: options.importedBy, importedAt: now })
          .returning({ id: quizBanks.id });
        bankId = row.id;
      }
      // Batches keep each statement's parameters well under PostgreSQL's limit.
      for (let start = 0; start < questions.length; start += 200) {
        await tx.insert(quizBankQuestions).values(
          questions.slice(start, start + 200).map((question) => ({
            bankId,
            questionId: question.id,
            topic: question.topic,
            skill: question.skill,
            difficulty: question.difficulty,
            question: question as unknown as Record<string, unknown>,
          })),
        );
      }
      return ok({ bankId, replaced: Boolean(same) });
    });
    if (!outcome.ok) return outcome;
    const bank = (await this.banks(guildId)).find((b) => b.prefix === bankPrefix(outcome.value.bankId))!;
    return ok({ bank, replaced: outcome.value.replaced });
  }
}
