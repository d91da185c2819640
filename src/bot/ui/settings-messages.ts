import { EmbedBuilder } from 'discord.js';
import type { RunRecord } from '../../jobs/run-claims.ts';
import type { PostKind } from '../../reminders/post-slots.ts';
import type { PostStatus } from '../scheduled-posts.ts';
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
      { name: 'Exam rules', value: `voucher valid ${settings.voucherMonths} months; certificate ${settings.certificateYears} years`, inline: true },
    );
}

const POST_NAMES: Record<PostKind, string> = { 'daily-tip': 'Daily tip', 'daily-quiz': 'Daily question', 'weekly-post': 'Weekly post (Mondays)' };
const unix = (date: Date) => Math.floor(date.getTime() / 1000);

function lastOutcome(run: RunRecord): string {
  const when = `<t:${unix(run.finishedAt ?? run.claimedAt)}:R>`;
  switch (run.status) {
    case 'sent':
      return run.delayed ? `sent late ${when}` : `sent ${when}`;
    case 'failed':
      return `failed ${when}: ${run.reason ?? 'no reason recorded'}`;
    case 'skipped':
      return `skipped (${run.slot}): ${run.reason ?? ''}`;
    case 'claimed':
      return `sending since ${when}`;
  }
}

/** Each scheduled post: its time, its next slot and its last outcome. */
export function postsEmbed(posts: PostStatus[]): EmbedBuilder {
  return new EmbedBuilder()
    .setTitle('Scheduled posts')
    .setColor(0x607d8b)
    .addFields(
      posts.map((post) => ({
        name: POST_NAMES[post.kind],
        value: [
          post.time ? `at ${post.time}` : 'off',
          post.next ? `next <t:${unix(post.next.dueAt)}:F>` : post.time ? 'needs an announcement channel' : undefined,
          post.last ? `last: ${lastOutcome(post.last)}` : undefined,
        ]
          .filter(Boolean)
          .join(' · '),
      })),
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
