// A command whose registration (any context, no default permission) disagrees with what it
// declares it requires: the loader must refuse it by name.
import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../../../src/bot/command.ts';

const data = new SlashCommandBuilder().setName('loose').setDescription('registered too widely');

export default {
  data,
  requirements: { guildOnly: true, permissions: PermissionFlagsBits.ManageGuild },
  async execute() {},
} satisfies CommandModule;
