import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/tips/knowledge-base.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import type { Json } from '../support/fake-discord/index.ts';

const EPHEMERAL = 1 << 6;

type Embed = { title: string; description: string; fields: Array<{ name: string; value: string }>; footer?: { text: string } };

let bot: BotHarness;
beforeAll(async () => {
  // The second server has a rotation no other test touches.
  bot = await startBotHarness({ fake: { guilds: [{ name: 'TF study group' }, { name: 'Second study group' }] } });
});
afterAll(async () => bot?.stop());
afterEach(() => bot.fake.assertNoViolations());

async function showTip(topic?: string, member = bot.student): Promise<Embed> {
  const it = await bot.fake.slashCommand({ name: 'tip', subcommand: 'show', guildId: member.guildId, member, options: topic ? { topic } : {} });
  const response = await it.response();
  expect(response.type).toBe(4);
  const data = response.data as { embeds: Embed[]; flags?: number };
  expect((data.flags ?? 0) & EPHEMERAL).toBe(0); // a tip is for the whole channel
  return data.embeds[0];
}

describe('/tip through the fake Discord', () => {
  it('registered the command with its subcommands', () => {
    const commands = bot.fake.commands({ guildId: bot.guildId }) as Array<{ name: string; options: Array<{ name: string }> }>;
    const tip = commands.find((c) => c.name === 'tip')!;
    expect(tip.options.map((o) => o.name)).toEqual(['show', 'add', 'review']);
  });

  it('/tip show answers with a tip embed from the knowledge base', async () => {
    const knowledge = await loadKnowledgeBase();
    const embed = await showTip();
    const tip = knowledge.tips.find((t) => t.title === embed.title);
    expect(tip).toBeDefined();
    expect(embed.description).toBe(tip!.body);
    expect(embed.fields.find((f) => f.name === 'Topic')?.value).toBe(knowledge.topics.find((t) => t.id === tip!.topic)!.name);
    if (tip!.snippet) expect(embed.fields.find((f) => f.name === 'Snippet')?.value).toContain('```python');
  });

  it('autocompletes the topic', async () => {
    const choices = (await bot.fake.autocomplete({
      name: 'tip',
      subcommand: 'show',
      member: bot.student,
      focused: { name: 'topic', value: 'time' },
    })) as Array<{ name: string; value: string }>;
    expect(choices.map((c) => c.value)).toEqual(['time-series']);
  });

  it('shows every tip of a topic once before repeating one', async () => {
    const knowledge = await loadKnowledgeBase();
    const topicTips = knowledge.tips.filter((t) => t.topic === 'exam-strategy');
    const second = [...bot.fake.guilds.values()][1];
    const member = bot.fake.member({ guildId: second.id, username: 'reader' });
    const titles = [];
    for (let i = 0; i < topicTips.length; i++) titles.push((await showTip('exam-strategy', member)).title);
    expect(new Set(titles)).toEqual(new Set(topicTips.map((t) => t.title)));
    // The next round starts, with a tip other than the last one shown.
    expect((await showTip('exam-strategy', member)).title).not.toBe(titles.at(-1));
  });

  it('refuses an unknown topic with an ephemeral message', async () => {
    const it = await bot.fake.slashCommand({ name: 'tip', subcommand: 'show', member: bot.student, options: { topic: 'cooking' } });
    const response = await it.response();
    expect((response.data as { content: string; flags: number }).content).toContain('There is no topic "cooking"');
    expect((response.data as { flags: number }).flags & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('a member proposes a tip with /tip add; a moderator approves it; it joins this server\'s rotation credited to its author', async () => {
    const add = await bot.fake.slashCommand({ name: 'tip', subcommand: 'add', member: bot.student });
    const modal = await add.response();
    expect(modal.type).toBe(9);
    const submitted = await bot.fake.submitModal({
      member: bot.student,
      customId: (modal.data as { custom_id: string }).custom_id,
      fields: {
        title: 'Plot the learning rate sweep',
        topic: 'time-series',
        body: 'Train 100 epochs with LearningRateScheduler(lambda e: 1e-8 * 10**(e/20)) and pick the rate where the loss is lowest and stable.',
        snippet: '',
      },
    });
    const thanks = await submitted.response();
    expect((thanks.data as { content: string }).content).toContain('waits for a moderator');
    expect((thanks.data as { flags: number }).flags & EPHEMERAL).toBe(EPHEMERAL);

    // A member without Manage Server is refused, server-side.
    const refused = await bot.fake.slashCommand({ name: 'tip', subcommand: 'review', member: bot.student });
    const refusal = (await refused.response()).data as { content: string; flags: number };
    expect(refusal.content).toContain('Manage Server');
    expect(refusal.flags & EPHEMERAL).toBe(EPHEMERAL);

    const review = await bot.fake.slashCommand({ name: 'tip', subcommand: 'review', member: bot.moderator });
    const listing = await review.waitForMessage();
    const embed = (listing.embeds as Embed[])[0];
    expect(embed.title).toBe('Plot the learning rate sweep');
    const approveId = findButton(listing, 'Approve');

    // Clicking the button is checked again: a student who got hold of the message is refused.
    const sneaky = await bot.fake.clickButton({ message: listing, customId: approveId, member: bot.student });
    expect(((await sneaky.response()).data as { content: string }).content).toContain('Manage Server');

    const click = await bot.fake.clickButton({ message: listing, customId: approveId, member: bot.moderator });
    const updated = await click.response();
    expect(updated.type).toBe(7);
    expect((updated.data as { content: string }).content).toContain('Approved "Plot the learning rate sweep"');

    const knowledge = await loadKnowledgeBase();
    const rounds = knowledge.tips.filter((t) => t.topic === 'time-series').length + 1;
    const shown: Embed[] = [];
    for (let i = 0; i < rounds; i++) shown.push(await showTip('time-series'));
    const community = shown.find((e) => e.title === 'Plot the learning rate sweep');
    expect(community?.footer?.text).toBe('Community tip by student');
  });

  it('tells the member exactly what is wrong with a proposal that would break the embed, and stores nothing', async () => {
    const submitted = await bot.fake.submitModal({
      member: bot.student,
      customId: 'tip:propose',
      fields: { title: 'Ping @everyone', topic: ['nlp'], body: 'Use ``` to open code', snippet: '' },
    });
    const answer = (await submitted.response()).data as { content: string; flags: number };
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(answer.content).toContain('Your tip was not saved');
    expect(answer.content).toContain('@everyone');
    expect(answer.content).toMatch(/```|code fence|backtick/i);
    expect((await bot.app.context.tips.pending(bot.guildId)).total).toBe(0);
  });
});

function findButton(message: Json, label: string): string {
  const rows = (message as { components: Array<{ components: Array<{ label: string; custom_id: string }> }> }).components;
  const button = rows.flatMap((r) => r.components).find((c) => c.label === label);
  if (!button) throw new Error(`no "${label}" button on the message`);
  return button.custom_id;
}
