// /remind and /exam through the fake Discord: a member's timezone, reminders refused with an
// example (past, unreadable, the 26th), list and delete (only one's own), and an exam date's
// countdown stored for the delivery job, with /exam status.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reminders } from '../../src/db/schema.ts';
import { scheduleFromJson } from '../../src/reminders/reminder-service.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { FakeMember, OptionValue } from '../support/fake-discord/index.ts';

const EPHEMERAL = 1 << 6;

type Reply = { content?: string; flags?: number; embeds?: Array<{ title: string; description: string }> };

let bot: BotHarness;
// Monday 30 Nov 2026, 10:00 in Berlin (the server's default timezone below).
const now = new Date('2026-11-30T09:00:00Z');
beforeAll(async () => {
  bot = await startBotHarness({ env: { DEFAULT_TIMEZONE: 'Europe/Berlin' }, start: { clock: () => now } });
});
afterAll(async () => bot?.stop());
afterEach(() => bot.fake.assertNoViolations());

async function command(name: string, subcommand: string, options: Record<string, OptionValue> = {}, member: FakeMember = bot.student): Promise<Reply> {
  const it = await bot.fake.slashCommand({ name, subcommand, member, options });
  const response = await it.response();
  expect(response.type).toBe(4);
  const data = response.data as Reply;
  expect((data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
  return data;
}

const remind = (subcommand: string, options: Record<string, OptionValue> = {}, member?: FakeMember) => command('remind', subcommand, options, member);
const exam = (subcommand: string, options: Record<string, OptionValue> = {}, member?: FakeMember) => command('exam', subcommand, options, member);

function rowsOf(member: FakeMember) {
  return bot.app.database.db
    .select()
    .from(reminders)
    .where(and(eq(reminders.guildId, bot.guildId), eq(reminders.userId, member.user.id as string)))
    .orderBy(asc(reminders.id));
}

describe('/remind and /exam through the fake Discord', () => {
  it('registered both commands with their subcommands', () => {
    const commands = bot.fake.commands({ guildId: bot.guildId }) as Array<{ name: string; options: Array<{ name: string }> }>;
    expect(commands.find((c) => c.name === 'remind')!.options.map((o) => o.name)).toEqual(['add', 'list', 'delete', 'timezone']);
    expect(commands.find((c) => c.name === 'exam')!.options.map((o) => o.name)).toEqual(['date', 'voucher', 'certified', 'status']);
  });

  it('sets a member timezone, suggests names, and refuses an unknown one with examples', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'traveller' });
    const choices = (await bot.fake.autocomplete({ name: 'remind', subcommand: 'timezone', member, focused: { name: 'name', value: 'new york' } })) as Array<{ value: string }>;
    expect(choices.map((c) => c.value)).toContain('America/New_York');
    expect((await remind('timezone', { name: 'Mars/Olympus' }, member)).content).toMatch(/`Mars\/Olympus` is not a timezone I know\. Use an IANA name such as `Europe\/Berlin`/);
    expect((await remind('timezone', { name: 'asia/tokyo' }, member)).content).toContain('Your timezone is now Asia/Tokyo.');
    // 09:00 tomorrow in Tokyo is 00:00 UTC on 1 Dec.
    const added = await remind('add', { when: 'tomorrow 09:00', text: 'Flashcards' }, member);
    expect(added.content).toContain('(Asia/Tokyo)');
    const [row] = await rowsOf(member);
    expect(row).toMatchObject({ timezone: 'Asia/Tokyo', nextAt: new Date('2026-12-01T00:00:00Z') });
  });

  it('refuses a time in the past or one it cannot read, with an example, and stores nothing', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'refused' });
    const past = await remind('add', { when: '2026-11-29 18:00', text: 'Too late' }, member);
    expect(past.content).toContain('2026-11-29 18:00 is in the past (it is now 2026-11-30 10:00 in Europe/Berlin). Example: `2026-12-07 18:00`');
    const unreadable = await remind('add', { when: 'when pigs fly', text: 'Never' }, member);
    expect(unreadable.content).toContain("I couldn't read `when pigs fly` as a time. Use one of:");
    expect(unreadable.content).toContain('`daily 09:00`');
    const pinging = await remind('add', { when: 'in 2h', text: 'Study @everyone' }, member);
    expect(pinging.content).toContain('mass mentions are not allowed');
    expect(await rowsOf(member)).toEqual([]);
  });

  it('sets a reminder in this channel or by DM, shows its text as text, and stores it for the delivery job', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'planner' });
    const inChannel = await remind('add', { when: 'daily 09:00', text: 'Do the *daily* quiz' }, member);
    const channelId = bot.fake.guild().channels.values().next().value!.id;
    const tomorrow = Date.parse('2026-12-01T08:00:00Z') / 1000;
    expect(inChannel.content).toMatch(/^Reminder #\d+ set, daily at 09:00 \(Europe\/Berlin\): /);
    expect(inChannel.content).toContain(`: Do the \\*daily\\* quiz\nNext: <t:${tomorrow}:F> (<t:${tomorrow}:R>), in <#${channelId}>.`);
    const byDm = await remind('add', { when: 'in 90 minutes', text: 'Stretch', dm: true }, member);
    expect(byDm.content).toContain('by DM (in <#');
    const rows = await rowsOf(member);
    expect(rows.map((r) => ({ dm: r.dm, source: r.source, nextAt: r.nextAt, schedule: scheduleFromJson(r.schedule) }))).toEqual([
      { dm: false, source: 'member', nextAt: new Date('2026-12-01T08:00:00Z'), schedule: { kind: 'daily', time: '09:00' } },
      { dm: true, source: 'member', nextAt: new Date('2026-11-30T10:30:00Z'), schedule: { kind: 'once', at: new Date('2026-11-30T10:30:00Z') } },
    ]);
    expect(rows.every((r) => r.channelId === channelId)).toBe(true);
  });

  it('refuses the 26th active reminder and says how to free a place', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'busy' });
    for (let i = 1; i <= 25; i++) expect((await remind('add', { when: `in ${i}h`, text: `Task ${i}` }, member)).content).toContain('set,');
    const refused = await remind('add', { when: 'in 26h', text: 'Task 26' }, member);
    expect(refused.content).toContain('You have 25 active reminders, the most you can have. Delete one you no longer need with `/remind delete`');
    expect(await rowsOf(member)).toHaveLength(25);
    const list = await remind('list', {}, member);
    expect(list.embeds![0].description.match(/\*\*#\d+\*\*/g)).toHaveLength(25);
  });

  it('lists a member own reminders and lets only them delete one', async () => {
    const owner = bot.fake.member({ guildId: bot.guildId, username: 'owner' });
    const other = bot.fake.member({ guildId: bot.guildId, username: 'other' });
    expect((await remind('list', {}, owner)).embeds![0].description).toContain('You have no active reminders.');
    await remind('add', { when: 'weekly monday 19:00', text: 'Mock exam night' }, owner);
    await remind('add', { when: 'in 3 days', text: 'Read the [NLP](https://example.com) notes' }, owner);
    const [weekly, once] = await rowsOf(owner);

    const list = (await remind('list', {}, owner)).embeds![0];
    expect(list.description).toContain(`**#${weekly.id}** Mock exam night`);
    expect(list.description).toContain('every Monday at 19:00 (Europe/Berlin)');
    expect(list.description).toContain('Read the \\[NLP\\](https\\://example.com) notes');
    expect((await remind('list', {}, other)).embeds![0].description).toContain('You have no active reminders.');

    const choices = (await bot.fake.autocomplete({ name: 'remind', subcommand: 'delete', member: owner, focused: { name: 'id', value: '' } })) as Array<{ name: string; value: number }>;
    expect(choices.map((c) => c.value)).toEqual([weekly.id, once.id]);
    expect(choices[0].name).toBe(`#${weekly.id} · every Monday at 19:00 (Europe/Berlin) · Mock exam night`);
    expect(await bot.fake.autocomplete({ name: 'remind', subcommand: 'delete', member: other, focused: { name: 'id', value: '' } })).toEqual([]);

    expect((await remind('delete', { id: weekly.id }, other)).content).toBe(`You have no active reminder #${weekly.id}. \`/remind list\` shows yours with their numbers.`);
    expect(await rowsOf(owner)).toHaveLength(2);
    expect((await remind('delete', { id: weekly.id }, owner)).content).toBe(`Deleted reminder #${weekly.id}: Mock exam night`);
    expect((await rowsOf(owner)).map((r) => r.id)).toEqual([once.id]);
  });

  it('/exam date schedules the countdown by DM, and /exam status shows it with the server rules', async () => {
    const member = bot.fake.member({ guildId: bot.guildId, username: 'candidate' });
    expect((await exam('status', {}, member)).content).toContain('You have saved no dates yet.');
    expect((await exam('date', { date: '15.01.2027' }, member)).content).toBe('Give the date as YYYY-MM-DD. Example: `2027-03-15`');

    const set = (await exam('date', { date: '2027-01-15' }, member)).content!;
    expect(set).toContain('Saved your exam date. Exam: Fri 15 Jan 2027');
    expect(set).toContain("I'll send you 7 reminders by DM (in <#");
    expect(set).toContain('at local times in Europe/Berlin:');
    expect(set).toContain(`- <t:${Date.parse('2026-12-16T08:00:00Z') / 1000}:F>`);
    expect(set).toContain('a voucher is valid 6 months from purchase and a certificate 3 years');
    expect(set).toContain('The official TensorFlow Developer Certificate closed in 2024, so these dates are for your exam');
    const rows = await rowsOf(member);
    expect(rows.map((r) => r.source).sort()).toEqual(['exam-1d', 'exam-14d', 'exam-30d', 'exam-3d', 'exam-7d', 'exam-after', 'exam-day'].map((k) => `exam:exam:${k}`).sort());
    expect(rows.every((r) => r.dm && r.timezone === 'Europe/Berlin')).toBe(true);
    expect(rows.find((r) => r.source === 'exam:exam:exam-day')).toMatchObject({
      nextAt: new Date('2027-01-15T07:00:00Z'),
      text: expect.stringContaining('Today is your exam.'),
    });

    // Setting it again replaces the countdown rather than adding a second one.
    await exam('date', { date: '2027-01-15' }, member);
    expect(await rowsOf(member)).toHaveLength(7);

    // The server changes its voucher rule.
    await bot.app.context.settings.update(bot.guildId, { voucherMonths: 12 });
    const voucher = (await exam('voucher', { date: '2026-10-01' }, member)).content!;
    expect(voucher).toContain('Voucher: bought Thu 1 Oct 2026, expires Fri 1 Oct 2027 (valid 12 months)');
    expect(voucher).toContain('a voucher is valid 12 months from purchase');

    const status = (await exam('status', {}, member)).content!;
    expect(status.split('\n').slice(0, 4)).toEqual([
      '**Exam: Fri 15 Jan 2027**',
      `  next reminder <t:${Date.parse('2026-12-16T08:00:00Z') / 1000}:F> (<t:${Date.parse('2026-12-16T08:00:00Z') / 1000}:R>)`,
      '**Voucher: bought Thu 1 Oct 2026, expires Fri 1 Oct 2027 (valid 12 months)**',
      `  next reminder <t:${Date.parse('2027-09-01T07:00:00Z') / 1000}:F> (<t:${Date.parse('2027-09-01T07:00:00Z') / 1000}:R>)`,
    ]);
    expect(status).toContain('Times follow your timezone, Europe/Berlin');
    // Exam countdowns are not among the member's own reminders.
    expect((await remind('list', {}, member)).embeds![0].description).toContain('You have no active reminders.');
  });
});
