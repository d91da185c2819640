// /remind add|list|delete|timezone: a member's own reminders, delivered by the scheduled job.
import {
  InteractionContextType,
  MessageFlags,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import { REMINDER_TEXT_MAX } from '../src/reminders/reminder-service.ts';
import { reminderAddedMessage, reminderChoices, reminderDeletedMessage, reminderListEmbed, timezoneSetMessage } from '../src/bot/ui/reminder-messages.ts';
import { timezonesMatching } from '../src/timezone.ts';

const data = new SlashCommandBuilder()
  .setName('remind')
  .setDescription('Your own reminders, by DM or in this channel')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('add')
      .setDescription('Set a reminder')
      .addStringOption((o) =>
        o.setName('when').setDescription('e.g. 2026-12-24 18:00, in 2h, tomorrow 09:00, daily 09:00, weekly monday 19:00').setRequired(true).setMaxLength(100),
      )
      .addStringOption((o) => o.setName('text').setDescription('What to remind you of').setRequired(true).setMaxLength(REMINDER_TEXT_MAX))
      .addBooleanOption((o) => o.setName('dm').setDescription('Send it by DM instead of in this channel (default: this channel)')),
  )
  .addSubcommand((sub) => sub.setName('list').setDescription('Your active reminders'))
  .addSubcommand((sub) =>
    sub
      .setName('delete')
      .setDescription('Delete one of your reminders')
      .addIntegerOption((o) => o.setName('id').setDescription('The reminder\'s number (see /remind list)').setRequired(true).setMinValue(1).setAutocomplete(true)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('timezone')
      .setDescription('Your timezone for reminders and exam dates (default: the server\'s)')
      .addStringOption((o) => o.setName('name').setDescription('IANA timezone, e.g. Europe/Berlin').setRequired(true).setAutocomplete(true)),
  );

const requirements: CommandRequirements = { guildOnly: true };

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const { guildId, user } = interaction;
  const reply = (content: string) => interaction.reply({ content, flags: MessageFlags.Ephemeral });
  switch (interaction.options.getSubcommand()) {
    case 'add': {
      const added = await ctx.reminders.add(guildId, { id: user.id }, {
        when: interaction.options.getString('when', true),
        text: interaction.options.getString('text', true),
        dm: interaction.options.getBoolean('dm') ?? false,
        channelId: interaction.channelId,
      });
      await reply(added.ok ? reminderAddedMessage(added.value) : added.reason);
      return;
    }
    case 'list':
      await interaction.reply({ embeds: [reminderListEmbed(await ctx.reminders.list(guildId, user.id))], flags: MessageFlags.Ephemeral });
      return;
    case 'delete': {
      const deleted = await ctx.reminders.delete(guildId, user.id, interaction.options.getInteger('id', true));
      await reply(deleted.ok ? reminderDeletedMessage(deleted.value) : deleted.reason);
      return;
    }
    case 'timezone': {
      const set = await ctx.reminders.setTimezone(guildId, user.id, interaction.options.getString('name', true));
      await reply(set.ok ? timezoneSetMessage(set.value) : set.reason);
      return;
    }
  }
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  if (focused.name === 'name') {
    await interaction.respond(timezonesMatching(focused.value, 25).map((tz) => ({ name: tz, value: tz })));
    return;
  }
  if (!interaction.inGuild()) return interaction.respond([]);
  await interaction.respond(reminderChoices(await ctx.reminders.list(interaction.guildId, interaction.user.id), String(focused.value)));
}

export default { data, requirements, execute, autocomplete } satisfies CommandModule;
