// A command with requirements per subcommand and per button/modal action, for the router's tests.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { customId, parseCustomId, type CommandModule } from '../../../src/bot/command.ts';

export default {
  data: new SlashCommandBuilder()
    .setName('guarded')
    .setDescription('requirements per subcommand and action')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) => s.setName('open').setDescription('anyone'))
    .addSubcommand((s) => s.setName('admin').setDescription('Manage Server')),
  requirements: {
    guildOnly: true,
    subcommands: { admin: PermissionFlagsBits.ManageGuild },
    actions: { approve: PermissionFlagsBits.ManageGuild, apply: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ManageRoles },
  },
  async execute(interaction: ChatInputCommandInteraction) {
    if (interaction.options.getSubcommand() === 'admin') {
      await interaction.reply('admin ok');
      return;
    }
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(customId('guarded', 'approve')).setLabel('Approve').setStyle(ButtonStyle.Primary),
      new ButtonBuilder().setCustomId(customId('guarded', 'look')).setLabel('Look').setStyle(ButtonStyle.Secondary),
    );
    await interaction.reply({ content: 'open ok', components: [row] });
  },
  async handleComponent(interaction: MessageComponentInteraction) {
    await interaction.reply(`${parseCustomId(interaction.customId).action} by ${interaction.user.username}`);
  },
  async handleModal(interaction: ModalSubmitInteraction) {
    await interaction.reply(`applied: ${interaction.fields.getTextInputValue('why')}`);
  },
} satisfies CommandModule;
