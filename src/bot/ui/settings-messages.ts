import { EmbedBuilder } from 'discord.js';
import type { GuildSettings } from '../../settings/guild-settings.ts';

export function settingsEmbed(settings: GuildSettings): EmbedBuilder {
  return new EmbedBuilder()
    .setTitle('Study bot settings')
    .setColor(0x607d8b)
    .addFields(
      { name: 'Announcement channel', value: settings.announcementChannelId ? `<#${settings.announcementChannelId}>` : 'not set', inline: true },
      { name: 'Timezone', value: settings.timezone, inline: true },
      { name: 'Mock exams', value: settings.mockExamEnabled ? 'on' : 'off', inline: true },
      { name: 'Winner role', value: settings.winnerRoleId ? `<@&${settings.winnerRoleId}>` : 'none', inline: true },
      { name: '/grade results', value: settings.gradeVisibility === 'public' ? 'posted in the channel' : 'private to the member', inline: true },
    );
}
