import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  ComponentType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  LabelBuilder,
  ModalBuilder,
  PermissionFlagsBits,
  REST,
  Routes,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
} from 'discord.js';
import { PNG } from 'pngjs';
import { guildIdOnShard, shardForGuild, startFakeDiscord, type FakeDiscord } from './support/fake-discord/index.ts';

const TOPICS = ['basic-model', 'computer-vision', 'real-world-images', 'nlp', 'time-series', 'neural-networks'];

/** Handlers of the test bot, by command name (or custom id for components and modals). */
type Handler = (interaction: Interaction) => Promise<void>;

async function loginClient(fake: FakeDiscord, handlers: Map<string, Handler>): Promise<{ client: Client; errors: unknown[] }> {
  // As the bot does: no message pings anyone unless it says so.
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, allowedMentions: { parse: [] } });
  const errors: unknown[] = [];
  client.on(Events.InteractionCreate, (interaction) => {
    const key = interaction.isChatInputCommand() || interaction.isAutocomplete()
      ? `${interaction.isAutocomplete() ? 'autocomplete:' : ''}${interaction.commandName}`
      : interaction.isModalSubmit()
        ? `modal:${interaction.customId}`
        : '';
    const handler = handlers.get(key);
    if (handler) handler(interaction).catch((error: unknown) => errors.push(error));
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login('fake-bot-token');
  await ready;
  return { client, errors };
}

function pngBytes(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = (i / 4) % 256;
    png.data[i + 1] = 80;
    png.data[i + 2] = 160;
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

describe('fake Discord driven by the real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;
  let clientErrors: unknown[];
  const handlers = new Map<string, Handler>();
  let guildId: string;
  let channelId: string;
  let winnerRoleId: string;

  beforeAll(async () => {
    fake = await startFakeDiscord({
      guilds: [{ name: 'TF Study', channels: [{ name: 'general' }, { name: 'announcements' }], roles: [{ name: 'Winner' }] }],
    });
    const guild = fake.guild();
    guildId = guild.id;
    channelId = [...guild.channels.keys()][0];
    winnerRoleId = [...guild.roles.values()].find((role) => role.name === 'Winner')!.id as string;
    ({ client, errors: clientErrors } = await loginClient(fake, handlers));
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  afterEach(() => {
    expect(clientErrors).toEqual([]);
    fake.assertNoViolations();
  });

  it('logs the client in: READY, the guild with its channels and roles, the application id', () => {
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(guildId);
    expect(guild?.name).toBe('TF Study');
    expect(guild?.channels.cache.map((channel) => channel.name).sort()).toEqual(['announcements', 'general']);
    expect(guild?.roles.cache.some((role) => role.name === 'Winner')).toBe(true);
  });

  it('stores guild commands registered with PUT and types options from them', async () => {
    const tip = new SlashCommandBuilder()
      .setName('tip')
      .setDescription('Study tips')
      .addSubcommand((sub) =>
        sub
          .setName('show')
          .setDescription('Show a tip')
          .addStringOption((o) => o.setName('topic').setDescription('Exam topic').setRequired(true).setAutocomplete(true))
          .addNumberOption((o) => o.setName('weight').setDescription('A number option')),
      );
    const grade = new SlashCommandBuilder()
      .setName('grade')
      .setDescription('Grade a model')
      .addAttachmentOption((o) => o.setName('model').setDescription('Keras .h5').setRequired(true));
    await client.application!.commands.set([tip.toJSON(), grade.toJSON()], guildId);
    const stored = fake.commands({ guildId });
    expect(stored.map((command) => command.name)).toEqual(['tip', 'grade']);
    expect(stored[0].id).toMatch(/^\d{17,20}$/);
    expect(stored[0].guild_id).toBe(guildId);
    expect(fake.commands()).toEqual([]);

    let seen: { topic: string; weight: number | null } | null = null;
    handlers.set('tip', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen = { topic: interaction.options.getString('topic', true), weight: interaction.options.getNumber('weight') };
      await interaction.reply({ content: `tip about ${seen.topic}` });
    });
    // 2 is an integer in JavaScript, but the registered option is a number (type 10).
    const tipShow = await fake.slashCommand({ name: 'tip', subcommand: 'show', options: { topic: 'nlp', weight: 2 } });
    await tipShow.waitForMessage();
    expect(seen).toEqual({ topic: 'nlp', weight: 2 });
    expect(tipShow.payload.data.options[0].options[1]).toEqual({ name: 'weight', type: 10, value: 2 });
    expect(tipShow.payload.data.id).toBe(stored[0].id);
    await expect(fake.slashCommand({ name: 'tip', subcommand: 'show', options: { topic: 'nlp', colour: 'red' } })).rejects.toThrow(/no option "colour"/);
    await expect(fake.slashCommand({ name: 'tip', subcommand: 'show', options: {} })).rejects.toThrow(/required option\(s\) topic/);
  });

  it('delivers a slash command and records the reply', async () => {
    handlers.set('ping', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const manager = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ? ' (manager)' : '';
      await interaction.reply({ content: `pong, ${interaction.user.username}${manager}` });
    });
    const moderator = fake.member({ username: 'mod', permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages });
    expect((await (await fake.slashCommand({ name: 'ping', member: moderator })).waitForMessage()).content).toBe('pong, mod (manager)');
    const member = fake.member({ username: 'ada' });
    const ping = await fake.slashCommand({ name: 'ping', member });
    const callback = await ping.response();
    expect(callback.type).toBe(4);
    expect(callback.data?.content).toBe('pong, ada');
    const message = await ping.waitForMessage();
    expect(message.content).toBe('pong, ada');
    expect(message.author.id).toBe(fake.botUser.id);
    expect(message.interaction_metadata.id).toBe(ping.id);
    expect(message.interaction_metadata.user.id).toBe(member.user.id);
  });

  it('answers with_response=true with an InteractionCallbackResponse discord.js understands', async () => {
    let resourceContent: string | null | undefined;
    handlers.set('echo', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({ content: 'echoed', withResponse: true });
      resourceContent = response.resource?.message?.content;
    });
    const echo = await fake.slashCommand({ name: 'echo' });
    await echo.waitForMessage();
    await expect.poll(() => resourceContent).toBe('echoed');
  });

  it('records a deferred reply and the edit that completes it', async () => {
    handlers.set('slow', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await interaction.editReply({ embeds: [{ title: 'Score', description: '4/5', fields: [{ name: 'NLP', value: '4' }] }] });
    });
    const slow = await fake.slashCommand({ name: 'slow' });
    expect((await slow.response()).type).toBe(5);
    const message = await slow.waitForMessage();
    expect(message.embeds[0]).toMatchObject({ type: 'rich', title: 'Score', description: '4/5' });
    expect(message.flags & 128).toBe(0);
    expect(slow.edits).toHaveLength(1);
    expect(slow.edits[0].body.embeds[0].fields[0]).toEqual({ name: 'NLP', value: '4' });
  });

  it('keeps the bytes of a file sent in a multipart follow-up', async () => {
    const image = pngBytes(7, 5);
    handlers.set('chart', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: 'Your chart follows.' });
      const sent = await interaction.followUp({ content: 'chart', files: [new AttachmentBuilder(image, { name: 'chart.png', description: 'loss curve' })] });
      expect(sent.attachments.first()?.name).toBe('chart.png');
    });
    const chart = await fake.slashCommand({ name: 'chart' });
    const followUp = await chart.waitForFollowUp();
    expect(followUp.files).toHaveLength(1);
    expect(followUp.files[0].filename).toBe('chart.png');
    expect(followUp.files[0].contentType).toBe('image/png');
    const decoded = PNG.sync.read(followUp.files[0].bytes);
    expect([decoded.width, decoded.height]).toEqual([7, 5]);
    expect(decoded.data[4]).toBe(1);
    const attachment = followUp.message.attachments[0];
    expect(attachment).toMatchObject({ filename: 'chart.png', size: image.length, description: 'loss curve' });
    expect(fake.fileBytes(attachment).equals(image)).toBe(true);
    const downloaded = Buffer.from(await (await fetch(attachment.url)).arrayBuffer());
    expect(downloaded.equals(image)).toBe(true);
  });

  it('attaches files to an edited reply and removes them when the edit lists none', async () => {
    const csv = Buffer.from('epoch,loss\n1,0.9\n2,0.4\n');
    handlers.set('report', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({ content: 'report', files: [new AttachmentBuilder(csv, { name: 'history.csv' })] });
      await interaction.editReply({ content: 'report withdrawn', attachments: [] });
    });
    const report = await fake.slashCommand({ name: 'report' });
    const final = await report.waitForMessage((message) => message.content === 'report withdrawn');
    expect(final.attachments).toEqual([]);
    expect(report.edits).toHaveLength(2);
    expect(report.edits[0].files.map((file) => file.filename)).toEqual(['history.csv']);
    const attached = report.edits[0].message.attachments;
    expect(attached).toHaveLength(1);
    expect(fake.fileBytes(attached[0]).toString()).toBe(csv.toString());
  });

  it('resolves an attachment option to a CDN file the bot can download', async () => {
    const modelBytes = Buffer.from('\x89HDF\r\n\x1a\nfake keras weights');
    const upload = fake.cdn.add('model.h5', modelBytes);
    handlers.set('grade', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      const attachment = interaction.options.getAttachment('model', true);
      const bytes = Buffer.from(await (await fetch(attachment.url)).arrayBuffer());
      await interaction.editReply(`${attachment.name} ${bytes.length} ${createHash('sha256').update(bytes).digest('hex')}`);
    });
    const grade = await fake.slashCommand({ name: 'grade', options: { model: upload } });
    const message = await grade.waitForMessage();
    expect(message.content).toBe(`model.h5 ${modelBytes.length} ${createHash('sha256').update(modelBytes).digest('hex')}`);
    expect(grade.payload.data.resolved.attachments[upload.id].filename).toBe('model.h5');
  });

  it('delivers a button click to a collector on the reply and records the update', async () => {
    handlers.set('quiz', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('quiz:a').setLabel('Dense').setStyle(ButtonStyle.Primary),
        new ButtonBuilder().setCustomId('quiz:b').setLabel('Conv2D').setStyle(ButtonStyle.Secondary),
      );
      const response = await interaction.reply({ content: 'Which layer for images?', components: [row] });
      const click = await response.awaitMessageComponent({ componentType: ComponentType.Button, time: 3000 });
      await click.update({ content: `answered ${click.customId} by ${click.user.username}`, components: [] });
    });
    const quiz = await fake.slashCommand({ name: 'quiz' });
    const question = await quiz.waitForMessage();
    expect(question.components[0].components.map((button: { label: string }) => button.label)).toEqual(['Dense', 'Conv2D']);
    const grace = fake.member({ username: 'grace' });
    const click = await fake.clickButton({ message: question, customId: 'quiz:b', member: grace });
    expect((await click.response()).type).toBe(7);
    const updated = await click.waitForMessage((message) => message.content.startsWith('answered'));
    expect(updated.id).toBe(question.id);
    expect(updated.content).toBe('answered quiz:b by grace');
    expect(fake.message(question.id)?.components).toEqual([]);
    await expect(fake.clickButton({ message: question, customId: 'quiz:a' })).rejects.toThrow(/no component "quiz:a"/);
  });

  it('shows a modal with label components and delivers its submission', async () => {
    handlers.set('suggest', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const modal = new ModalBuilder()
        .setCustomId('suggest-form')
        .setTitle('Suggest a tip')
        .addLabelComponents(
          new LabelBuilder().setLabel('Title').setTextInputComponent(new TextInputBuilder().setCustomId('title').setStyle(TextInputStyle.Short)),
          new LabelBuilder().setLabel('Body').setTextInputComponent(new TextInputBuilder().setCustomId('body').setStyle(TextInputStyle.Paragraph)),
        );
      await interaction.showModal(modal);
    });
    handlers.set('modal:suggest-form', async (interaction) => {
      if (!interaction.isModalSubmit()) return;
      await interaction.reply(`${interaction.fields.getTextInputValue('title')}: ${interaction.fields.getTextInputValue('body')}`);
    });
    const suggest = await fake.slashCommand({ name: 'suggest' });
    expect((await suggest.response()).type).toBe(9);
    const submit = await fake.submitModal({ customId: 'suggest-form', fields: { title: 'Normalize', body: 'Scale pixels to [0, 1].' } });
    expect(submit.payload.data.components[0].type).toBe(18);
    expect((await submit.waitForMessage()).content).toBe('Normalize: Scale pixels to [0, 1].');
    await expect(fake.submitModal({ customId: 'suggest-form', fields: { title: 'x' } })).rejects.toThrow(/"body" is required/);
  });

  it('submits a modal built from action rows as action rows', async () => {
    handlers.set('legacy', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const modal = new ModalBuilder()
        .setCustomId('legacy-form')
        .setTitle('Old style')
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('note').setLabel('Note').setStyle(TextInputStyle.Short)));
      await interaction.showModal(modal);
    });
    handlers.set('modal:legacy-form', async (interaction) => {
      if (interaction.isModalSubmit()) await interaction.reply(`note=${interaction.fields.getTextInputValue('note')}`);
    });
    const legacy = await fake.slashCommand({ name: 'legacy' });
    await legacy.response();
    const submit = await fake.submitModal({ customId: 'legacy-form', fields: { note: 'hi' } });
    expect(submit.payload.data.components[0].type).toBe(1);
    expect((await submit.waitForMessage()).content).toBe('note=hi');
  });

  it('returns autocomplete choices', async () => {
    handlers.set('autocomplete:tip', async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      await interaction.respond(TOPICS.filter((topic) => topic.includes(typed)).map((topic) => ({ name: topic, value: topic })));
    });
    const choices = await fake.autocomplete({ name: 'tip', subcommand: 'show', focused: { name: 'topic', value: 'ne' } });
    expect(choices.map((choice) => choice.value)).toEqual(['neural-networks']);
  });

  it('posts channel messages and changes member roles through REST', async () => {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable()) throw new Error('general should be sendable');
    await channel.send({ content: 'Weekly mock exam starts now', embeds: [{ title: 'Week 1' }] });
    const posted = fake.channelMessages(channelId);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ content: 'Weekly mock exam starts now', channel_id: channelId, type: 0 });
    const tooLong = await channel.send('x'.repeat(2001)).catch((error: unknown) => error);
    expect((tooLong as DiscordAPIError).code).toBe(50035);
    expect(fake.takeViolations().map((violation) => violation.reason)).toEqual([expect.stringMatching(/\/content must NOT have more than 2000 characters/)]);
    expect(fake.channelMessages(channelId)).toHaveLength(1);

    const winner = fake.member({ username: 'katherine', permissions: PermissionFlagsBits.ViewChannel });
    const guild = client.guilds.cache.get(guildId)!;
    const member = await guild.members.fetch(winner.user.id as string);
    await member.roles.add(winnerRoleId);
    expect(fake.memberRoles(guildId, winner.user.id as string)).toEqual([winnerRoleId]);
    await member.roles.remove(winnerRoleId);
    expect(fake.memberRoles(guildId, winner.user.id as string)).toEqual([]);
    expect(fake.roleChanges.map((change) => change.action)).toEqual(['add', 'remove']);
  });

  it('refuses a reply Discord would refuse: an embed title over 256 characters', async () => {
    let apiError: unknown;
    handlers.set('long', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      // A plain object, so discord.js does not check it before sending.
      await interaction.reply({ embeds: [{ title: 'x'.repeat(257) }] }).catch((error: unknown) => (apiError = error));
      await interaction.reply({ content: 'short' });
    });
    const long = await fake.slashCommand({ name: 'long' });
    await long.waitForMessage();
    expect(apiError).toBeInstanceOf(DiscordAPIError);
    expect((apiError as DiscordAPIError).code).toBe(50035);
    expect((apiError as DiscordAPIError).rawError).toMatchObject({
      errors: { data: { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } },
    });
    const violations = fake.takeViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0].reason).toMatch(/\/data\/embeds\/0\/title must NOT have more than 256 characters/);
    expect(long.callbacks).toHaveLength(1);
    expect(long.callbacks[0].data?.content).toBe('short');
  });

  it('records a double acknowledgement and answers it with code 40060', async () => {
    let second: unknown;
    handlers.set('twice', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply('first');
      // discord.js refuses a second reply itself, so send the raw callback as a buggy bot would.
      second = await client.rest
        .post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data: { content: 'again', allowed_mentions: { parse: [] } } }, auth: false })
        .catch((error: unknown) => error);
    });
    const twice = await fake.slashCommand({ name: 'twice' });
    await twice.waitFor(() => twice.rejected[0], 3000, 'no refused callback');
    await expect.poll(() => second).toBeInstanceOf(DiscordAPIError);
    expect((second as DiscordAPIError).code).toBe(40060);
    expect(fake.takeViolations().map((violation) => violation.reason)).toEqual([expect.stringMatching(/acknowledged twice/)]);
  });

  it('records a message whose content may ping because it lacks allowed_mentions', async () => {
    handlers.set('ping', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: 'hello @everyone', allowedMentions: undefined });
    });
    // discord.js falls back to the client default; a raw REST call with no allowed_mentions does not.
    await fake.slashCommand({ name: 'ping', member: fake.member({ username: 'ada' }) }).then((it) => it.waitForMessage());
    expect(fake.takeViolations()).toEqual([]);
    await client.rest.post(`/channels/${channelId}/messages`, { body: { content: 'hello @everyone' } });
    expect(fake.takeViolations().map((v) => v.reason)).toEqual(['message content sent without allowed_mentions: every mention in it would ping']);
  });

  it('records unknown routes with a Discord-shaped 404', async () => {
    const unknown = await client.rest.get('/definitely/not/a/route' as `/${string}`).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(DiscordAPIError);
    expect((unknown as DiscordAPIError).status).toBe(404);
    const unimplemented = await client.rest.get(Routes.guildBans(guildId)).catch((error: unknown) => error);
    expect((unimplemented as DiscordAPIError).status).toBe(404);
    const violations = fake.takeViolations();
    expect(violations.map((violation) => violation.path)).toEqual(['/api/v10/definitely/not/a/route', `/api/v10/guilds/${guildId}/bans`]);
    expect(violations[0].reason).toMatch(/not in Discord's API description/);
    expect(violations[1].reason).toMatch(/fake does not implement it/);
  });

  it('resumes the gateway session after a dropped connection', async () => {
    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
    fake.dropGatewayConnections();
    await resumed;
    handlers.set('after', async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('still here');
    });
    const after = await fake.slashCommand({ name: 'after' });
    expect((await after.waitForMessage()).content).toBe('still here');
  });
});

describe('a fake Discord with two shards', () => {
  let fake: FakeDiscord;
  const clients: Client[] = [];
  const received: Array<{ shard: number; event: string; guildId: string | null }> = [];
  const ids = [guildIdOnShard(0, 2), guildIdOnShard(1, 2)];

  async function loginShard(shard: number): Promise<Client> {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, allowedMentions: { parse: [] }, shards: shard, shardCount: 2 });
    clients.push(client);
    client.on(Events.InteractionCreate, (interaction) => {
      received.push({ shard, event: 'interaction', guildId: interaction.guildId });
      if (interaction.isChatInputCommand()) void interaction.reply(`shard ${shard}`);
    });
    client.on(Events.ChannelDelete, (channel) => received.push({ shard, event: 'channel delete', guildId: 'guildId' in channel ? channel.guildId : null }));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login('fake-bot-token');
    await ready;
    return client;
  }

  beforeAll(async () => {
    fake = await startFakeDiscord({ shards: 2, guilds: [{ id: ids[0], name: 'On shard 0' }, { id: ids[1], name: 'On shard 1' }] });
    const rest = new REST({ api: fake.apiUrl }).setToken('fake-bot-token');
    const commands = [new SlashCommandBuilder().setName('where').setDescription('which shard answers').toJSON()];
    for (const id of ids) await rest.put(Routes.applicationGuildCommands(fake.applicationId, id), { body: commands });
  });

  afterAll(async () => {
    for (const client of clients) await client.destroy();
    await fake?.stop();
  });

  it('picks guild ids on both shards by Discord\'s formula', () => {
    expect(ids.map((id) => shardForGuild(id, 2))).toEqual([0, 1]);
    expect(shardForGuild('175928847299117063', 1)).toBe(0);
  });

  it('recommends its shard count on GET /gateway/bot', async () => {
    const rest = new REST({ api: fake.apiUrl }).setToken('fake-bot-token');
    expect(await rest.get(Routes.gatewayBot())).toMatchObject({ shards: 2 });
  });

  it('is online only once every shard has identified, and gives each shard its own guilds', async () => {
    const first = await loginShard(0);
    let online = false;
    const waiting = fake.waitForBot(30_000).then(() => (online = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(online).toBe(false);
    await expect(fake.slashCommand({ name: 'where', guildId: ids[1] })).rejects.toThrow(`no bot session serves guild ${ids[1]}`);
    const second = await loginShard(1);
    await waiting;
    expect([...first.guilds.cache.keys()]).toEqual([ids[0]]);
    expect([...second.guilds.cache.keys()]).toEqual([ids[1]]);
  });

  it('sends each guild\'s interactions and channel events to the shard of that guild only', async () => {
    for (const [shard, guildId] of ids.entries()) {
      received.length = 0;
      const where = await fake.slashCommand({ name: 'where', guildId });
      expect((await where.response()).data).toMatchObject({ content: `shard ${shard}` });
      expect(where.shards).toEqual([[shard, 2]]);
      const channelId = [...fake.guild(guildId).channels.keys()][0];
      const deleted = new Promise<void>((resolve) => clients[shard].once(Events.ChannelDelete, () => resolve()));
      fake.deleteChannel(channelId);
      await deleted;
      expect(received).toEqual([
        { shard, event: 'interaction', guildId },
        { shard, event: 'channel delete', guildId },
      ]);
    }
    fake.assertNoViolations();
  });
});

describe('the acknowledgement window', () => {
  let fake: FakeDiscord;
  let client: Client;
  const handlers = new Map<string, Handler>();

  beforeAll(async () => {
    fake = await startFakeDiscord({ guilds: [{ name: 'Slow Guild' }], ackTimeoutMs: 200, heartbeatIntervalMs: 100 });
    ({ client } = await loginClient(fake, handlers));
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  it('acknowledges heartbeats, so the client measures a ping', async () => {
    await expect.poll(() => client.ws.ping, { timeout: 3000 }).toBeGreaterThanOrEqual(0);
    expect(fake.violations).toEqual([]);
  });

  it('records an interaction not acknowledged in time and refuses its late reply with 10062', async () => {
    let lateError: unknown;
    handlers.set('sleepy', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await new Promise((resolve) => setTimeout(resolve, 400));
      await interaction.reply('too late').catch((error: unknown) => (lateError = error));
    });
    const sleepy = await fake.slashCommand({ name: 'sleepy' });
    await sleepy.waitFor(() => sleepy.rejected[0], 3000, 'no refused callback');
    await expect.poll(() => lateError).toBeInstanceOf(DiscordAPIError);
    expect((lateError as DiscordAPIError).code).toBe(10062);
    expect(sleepy.rejected[0].status).toBe(404);
    expect(sleepy.callbacks).toEqual([]);
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0].reason).toMatch(/not acknowledged within 200 ms/);
    expect(() => fake.assertNoViolations()).toThrow(/\/sleepy .*not acknowledged within 200 ms/);
    await expect(sleepy.response(100)).rejects.toThrow(/no interaction callback/);
    fake.takeViolations();
    expect(fake.violations).toEqual([]);
  });

  it('refuses too many autocomplete choices and a button label over 80 characters', async () => {
    handlers.set('autocomplete:many', async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      await interaction.respond(Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` }))).catch(() => undefined);
    });
    await expect(fake.autocomplete({ name: 'many', focused: { name: 'q', value: '' }, timeoutMs: 150 })).rejects.toThrow(/no interaction callback/);
    handlers.set('label', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction
        .reply({ components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'x', label: 'y'.repeat(81) }] }] })
        .catch(() => undefined);
    });
    const label = await fake.slashCommand({ name: 'label' });
    await label.waitFor(() => (label.rejected.length > 0 ? true : undefined), 3000, 'no refused request');
    // Neither interaction was acknowledged: each refused body and each closed window is a violation.
    await label.waitFor(() => (fake.violations.length >= 4 ? true : undefined), 3000, 'fewer than 4 violations');
    const reasons = fake.takeViolations().map((violation) => violation.reason);
    expect(reasons.filter((reason) => /not acknowledged within 200 ms/.test(reason))).toHaveLength(2);
    const refused = reasons.filter((reason) => /refused by Discord's API schema/.test(reason));
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatch(/\/data\/choices must NOT have more than 25 items/);
    expect(refused[1]).toMatch(/label must NOT have more than 80 characters/);
  });
});

describe('what scheduled posts and reminders meet: DMs, closed DMs, deleted channels, missing permissions, nonces', () => {
  let fake: FakeDiscord;
  let client: Client;
  let clientErrors: unknown[];
  const handlers = new Map<string, Handler>();
  let channels: Record<'general' | 'announcements' | 'quiet', string>;

  beforeAll(async () => {
    fake = await startFakeDiscord({ guilds: [{ name: 'Rhythm', channels: [{ name: 'general' }, { name: 'announcements' }, { name: 'quiet' }] }] });
    const byName = new Map([...fake.guild().channels.values()].map((channel) => [channel.name as string, channel.id as string]));
    channels = { general: byName.get('general')!, announcements: byName.get('announcements')!, quiet: byName.get('quiet')! };
    ({ client, errors: clientErrors } = await loginClient(fake, handlers));
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  afterEach(() => {
    expect(clientErrors).toEqual([]);
    fake.assertNoViolations();
  });

  const post = (channelId: string, body: Record<string, unknown>) =>
    client.rest.post(Routes.channelMessages(channelId), { body: { allowed_mentions: { parse: [] }, ...body } }) as Promise<{ id: string; nonce?: string }>;

  it('creates a DM channel once per user and delivers messages sent to it', async () => {
    const grace = fake.member({ username: 'grace' });
    const userId = grace.user.id as string;
    const first = (await client.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string; type: number; recipients: { id: string }[] };
    const again = (await client.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    expect(first).toMatchObject({ type: 1, recipients: [{ id: userId, username: 'grace' }] });
    expect(again.id).toBe(first.id);

    await client.users.send(userId, { content: 'Reminder: review the CNN problems' });
    const dm = await client.users.createDM(userId);
    expect(dm.id).toBe(first.id);
    await dm.send({ content: 'Your exam is in 7 days' });
    expect(fake.dmMessages(userId).map((message) => message.content)).toEqual(['Reminder: review the CNN problems', 'Your exam is in 7 days']);
    expect(fake.channelMessages(first.id)).toEqual(fake.dmMessages(userId));
    expect(fake.dmMessages(userId)[0]).toMatchObject({ channel_id: first.id, author: { id: fake.botUser.id } });
    expect(fake.dmMessages(userId)[0].guild_id).toBeUndefined();
    expect(fake.dmMessages(fake.member({ username: 'nobody-wrote' }).user.id as string)).toEqual([]);
  });

  it('refuses a DM to a member whose DMs are closed with 403, code 50007', async () => {
    const hedy = fake.member({ username: 'hedy', dmsClosed: true });
    const closed = await client.users.send(hedy.user.id as string, 'Reminder').catch((error: unknown) => error);
    expect(closed).toBeInstanceOf(DiscordAPIError);
    expect(closed).toMatchObject({ status: 403, code: 50007, message: 'Cannot send messages to this user' });
    expect(fake.dmMessages(hedy.user.id as string)).toEqual([]);

    // DMs can also close later, for a member who had received some.
    const alan = fake.member({ username: 'alan' });
    await client.users.send(alan.user.id as string, 'first');
    fake.closeDms(alan.user.id as string);
    await expect(client.users.send(alan.user.id as string, 'second')).rejects.toMatchObject({ status: 403, code: 50007 });
    expect(fake.dmMessages(alan.user.id as string).map((message) => message.content)).toEqual(['first']);

    const stranger = await client.rest.post(Routes.userChannels(), { body: { recipient_id: '123456789012345678' } }).catch((error: unknown) => error);
    expect(stranger).toMatchObject({ status: 400, code: 50033 });
  });

  it('answers posts to a deleted channel with 404, code 10003, and tells the client it is gone', async () => {
    await post(channels.announcements, { content: 'Daily tip' });
    const deleted = new Promise<string>((resolve) => client.once(Events.ChannelDelete, (channel) => resolve(channel.id)));
    fake.deleteChannel(channels.announcements);
    expect(await deleted).toBe(channels.announcements);
    expect(client.channels.cache.has(channels.announcements)).toBe(false);
    const refused = await post(channels.announcements, { content: 'Daily tip' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DiscordAPIError);
    expect(refused).toMatchObject({ status: 404, code: 10003, message: 'Unknown Channel' });
    expect(fake.channelMessages(channels.announcements).map((message) => message.content)).toEqual(['Daily tip']);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', status: 404 });
  });

  it('refuses posts where the bot lacks Send Messages with 403, code 50013, and says so in app_permissions', async () => {
    fake.denyBotPermission(channels.quiet, 'SendMessages');
    await expect(post(channels.quiet, { content: 'Weekly results' })).rejects.toMatchObject({ status: 403, code: 50013, message: 'Missing Permissions' });
    expect(fake.channelMessages(channels.quiet)).toEqual([]);
    await post(channels.general, { content: 'still allowed here' });

    const seen: boolean[] = [];
    handlers.set('perm', async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push(interaction.appPermissions.has(PermissionFlagsBits.SendMessages));
      // An interaction reply needs no Send Messages permission.
      await interaction.reply({ content: 'ok', flags: 64 });
    });
    await (await fake.slashCommand({ name: 'perm', channelId: channels.quiet })).waitForMessage();
    await (await fake.slashCommand({ name: 'perm', channelId: channels.general })).waitForMessage();
    expect(seen).toEqual([false, true]);
  });

  it('creates one message for a repeated nonce with enforce_nonce, per channel', async () => {
    const channel = await client.channels.fetch(channels.general);
    if (!channel?.isSendable()) throw new Error('general should be sendable');
    const before = fake.channelMessages(channels.general).length;
    const first = await channel.send({ content: 'Daily question', nonce: 'tip-2026-11-30', enforceNonce: true });
    const repeat = await channel.send({ content: 'Daily question (takeover)', nonce: 'tip-2026-11-30', enforceNonce: true });
    expect(repeat.id).toBe(first.id);
    expect(repeat.content).toBe('Daily question');
    expect(fake.channelMessages(channels.general)).toHaveLength(before + 1);
    expect(fake.requests.filter((request) => request.path.endsWith(`/channels/${channels.general}/messages`)).at(-1)?.status).toBe(200);

    // Without enforce_nonce a nonce is only echoed; in another channel it is another message.
    const unenforced = await post(channels.general, { content: 'again', nonce: 'tip-2026-11-30' });
    expect(unenforced.id).not.toBe(first.id);
    const dm = await client.users.createDM(fake.member({ username: 'ada' }).user.id as string);
    const elsewhere = await dm.send({ content: 'Daily question', nonce: 'tip-2026-11-30', enforceNonce: true });
    expect(elsewhere.id).not.toBe(first.id);
    expect(fake.channelMessages(channels.general)).toHaveLength(before + 2);
  });
});

describe('the enforce_nonce window', () => {
  it('forgets a nonce after nonceWindowMs', async () => {
    const fake = await startFakeDiscord({ nonceWindowMs: 20 });
    try {
      const rest = new REST({ api: fake.apiUrl }).setToken('fake-bot-token');
      const channelId = [...fake.guild().channels.keys()][0];
      const send = () =>
        rest.post(Routes.channelMessages(channelId), { body: { content: 'Daily tip', nonce: 'n-1', enforce_nonce: true, allowed_mentions: { parse: [] } } }) as Promise<{ id: string }>;
      const first = await send();
      expect((await send()).id).toBe(first.id);
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect((await send()).id).not.toBe(first.id);
      expect(fake.channelMessages(channelId)).toHaveLength(2);
      fake.assertNoViolations();
    } finally {
      await fake.stop();
    }
  });
});
