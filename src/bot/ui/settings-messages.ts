import { EmbedBuilder } from 'discord.js';
import { QUIZ_OPEN_MINUTES_RANGE, type GuildSettings, type SettingsRefusal } from '../../settings/guild-settings.ts';
import { timezonesMatching } from '../../timezone.ts';
import { asText } from './member-text.ts';

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
      { name: 'Quiz questions', value: `open ${settings.quizOpenMinutes} min; built-in bank ${settings.quizBuiltinEnabled ? 'on' : 'off'}`, inline: true },
    );
}

/** Why /config saved nothing, with what would do instead. */
export function settingsRefusalMessage(refusal: SettingsRefusal): string {
  if (refusal.kind === 'bad-time-of-day') {
    return `Nothing was saved: "${asText(refusal.typed, 20)}" is not a time of day. Write it as HH:MM on a 24-hour clock (e.g. 09:00 or 18:30), or \`off\`.`;
  }
  if (refusal.kind === 'quiz-minutes-out-of-range') {
    return `Nothing was saved: a quiz question stays open from ${QUIZ_OPEN_MINUTES_RANGE.min} to ${QUIZ_OPEN_MINUTES_RANGE.max} minutes, not ${asText(refusal.typed, 20)}.`;
  }
  const near = timezonesMatching(refusal.typed, 3);
  return (
    `Nothing was saved: "${asText(refusal.typed, 100)}" is not an IANA timezone name. ` +
    `Use a Region/City name such as Europe/Berlin, America/New_York or UTC (the timezone option suggests names as you type)` +
    (near.length > 0 ? `; did you mean ${near.join(', ')}?` : '.')
  );
}
