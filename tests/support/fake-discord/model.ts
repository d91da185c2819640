/**
 * The fake's world (guilds, channels, roles, members, messages, attachments) and the JSON shapes
 * Discord sends for them. Objects are plain JSON so that they can go on the wire unchanged.
 */
import { randomBytes } from 'node:crypto';
import type { SnowflakeGenerator } from './snowflake.ts';

// Payloads are Discord JSON: typed loosely on purpose, tests read them like the wire format.
export type Json = Record<string, any>;

export const ChannelType = { GuildText: 0, DM: 1, GuildVoice: 2, GuildCategory: 4, GuildAnnouncement: 5 } as const;

/** Permissions of @everyone in a new guild: what a plain member can do, nothing administrative. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  (1n << 0n) | // CreateInstantInvite
  (1n << 6n) | // AddReactions
  (1n << 10n) | // ViewChannel
  (1n << 11n) | // SendMessages
  (1n << 14n) | // EmbedLinks
  (1n << 15n) | // AttachFiles
  (1n << 16n) | // ReadMessageHistory
  (1n << 18n) | // UseExternalEmojis
  (1n << 20n) | // Connect
  (1n << 21n) | // Speak
  (1n << 26n) | // ChangeNickname
  (1n << 31n) | // UseApplicationCommands
  (1n << 35n) | // CreatePublicThreads
  (1n << 38n); // SendMessagesInThreads
/** Everything: the bot is usually given Administrator in tests. */
export const ALL_PERMISSIONS = (1n << 51n) - 1n;

export interface UserInput {
  id?: string;
  username?: string;
  globalName?: string | null;
  bot?: boolean;
}

export interface RoleInput {
  id?: string;
  name: string;
  permissions?: bigint;
  position?: number;
  color?: number;
}

export interface ChannelInput {
  id?: string;
  name: string;
  type?: number;
  parentId?: string | null;
}

export interface GuildInput {
  id?: string;
  name: string;
  ownerId?: string;
  channels?: ChannelInput[];
  roles?: RoleInput[];
  /** Permissions of @everyone; defaults to what Discord gives a new guild. */
  everyonePermissions?: bigint;
  preferredLocale?: string;
}

export interface MemberInput {
  guildId?: string;
  userId?: string;
  username?: string;
  globalName?: string | null;
  /** The member's total permissions in the channel; defaults to @everyone's plus those of its roles. */
  permissions?: bigint;
  /** Role ids (or names of roles the guild was created with). */
  roles?: string[];
  nick?: string | null;
  locale?: string;
  /** The member accepts no DMs from the bot: posts to their DM channel get 403, code 50007. */
  dmsClosed?: boolean;
}

export interface FakeMember {
  guildId: string;
  user: Json;
  roles: string[];
  nick: string | null;
  joinedAt: string;
  /** Explicit total permissions, or null to compute them from roles. */
  permissions: bigint | null;
  locale: string;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  createdAt: string;
  channels: Map<string, Json>;
  roles: Map<string, Json>;
  members: Map<string, FakeMember>;
}

export function makeUser(ids: SnowflakeGenerator, input: UserInput = {}): Json {
  const id = input.id ?? ids.next();
  const username = input.username ?? `user${id.slice(-6)}`;
  return {
    id,
    username,
    global_name: input.globalName === undefined ? username : input.globalName,
    discriminator: '0',
    avatar: null,
    bot: input.bot ?? false,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    primary_guild: null,
    collectibles: null,
  };
}

/** A DM channel with one user, as `POST /users/@me/channels` returns it. */
export function makeDmChannel(id: string, recipient: Json): Json {
  return { id, type: ChannelType.DM, last_message_id: null, flags: 0, last_pin_timestamp: null, recipients: [recipient] };
}

export function makeGuild(ids: SnowflakeGenerator, input: GuildInput, defaultOwnerId: string): FakeGuild {
  const id = input.id ?? ids.next();
  const guild: FakeGuild = {
    id,
    name: input.name,
    ownerId: input.ownerId ?? defaultOwnerId,
    preferredLocale: input.preferredLocale ?? 'en-US',
    createdAt: new Date().toISOString(),
    channels: new Map(),
    roles: new Map(),
    members: new Map(),
  };
  guild.roles.set(id, makeRole(id, { id, name: '@everyone', permissions: input.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS, position: 0 }));
  (input.roles ?? []).forEach((role, index) => {
    const roleId = role.id ?? ids.next();
    guild.roles.set(roleId, makeRole(id, { ...role, id: roleId, position: role.position ?? index + 1 }));
  });
  const channels = input.channels?.length ? input.channels : [{ name: 'general' }];
  channels.forEach((channel, index) => {
    const channelId = channel.id ?? ids.next();
    guild.channels.set(channelId, makeGuildChannel(id, { ...channel, id: channelId }, index));
  });
  return guild;
}

function makeRole(_guildId: string, role: RoleInput & { id: string }): Json {
  return {
    id: role.id,
    name: role.name,
    color: role.color ?? 0,
    colors: { primary_color: role.color ?? 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position ?? 0,
    permissions: (role.permissions ?? 0n).toString(),
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

function makeGuildChannel(guildId: string, channel: ChannelInput & { id: string }, position: number): Json {
  return {
    id: channel.id,
    type: channel.type ?? ChannelType.GuildText,
    guild_id: guildId,
    name: channel.name,
    position,
    permission_overwrites: [],
    parent_id: channel.parentId ?? null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function memberPermissions(guild: FakeGuild, member: FakeMember): bigint {
  if (member.permissions !== null) return member.permissions;
  if (member.user.id === guild.ownerId) return ALL_PERMISSIONS;
  let permissions = BigInt(guild.roles.get(guild.id)!.permissions as string);
  for (const roleId of member.roles) {
    const role = guild.roles.get(roleId);
    if (role) permissions |= BigInt(role.permissions as string);
  }
  return permissions & 0x8n ? ALL_PERMISSIONS : permissions;
}

/** A guild member as in INTERACTION_CREATE (with `permissions`) or GUILD_CREATE (without). */
export function memberPayload(guild: FakeGuild, member: FakeMember, withPermissions: boolean): Json {
  const payload: Json = {
    user: member.user,
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: member.roles,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
    unusual_dm_activity_until: null,
  };
  if (withPermissions) payload.permissions = memberPermissions(guild, member).toString();
  return payload;
}

export function guildCreatePayload(guild: FakeGuild, botMember: FakeMember): Json {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [...guild.roles.values()],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: guild.preferredLocale,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    incidents_data: null,
    joined_at: guild.createdAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: [memberPayload(guild, botMember, false)],
    channels: [...guild.channels.values()],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    lazy: true,
  };
}

export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
}

/** A message as Discord returns it, authored by `author` (the bot user for everything the bot sends). */
export function makeMessage(fields: {
  id: string;
  channelId: string;
  guildId: string | null;
  author: Json;
  body: Json;
  attachments: Json[];
  type: number;
  applicationId?: string;
  webhookId?: string;
  interactionMetadata?: Json;
  interaction?: Json;
}): Json {
  const { body } = fields;
  const message: Json = {
    id: fields.id,
    type: fields.type,
    channel_id: fields.channelId,
    author: fields.author,
    content: body.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: Boolean(body.tts),
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: fields.attachments,
    embeds: (body.embeds ?? []).map(normalizeEmbed),
    components: body.components ?? [],
    sticker_items: [],
    reactions: [],
    pinned: false,
    flags: body.flags ?? 0,
    position: 0,
  };
  if (body.nonce !== undefined) message.nonce = body.nonce;
  if (fields.guildId) message.guild_id = fields.guildId;
  if (fields.applicationId) message.application_id = fields.applicationId;
  if (fields.webhookId) message.webhook_id = fields.webhookId;
  if (fields.interactionMetadata) message.interaction_metadata = fields.interactionMetadata;
  if (fields.interaction) message.interaction = fields.interaction;
  if (body.message_reference) message.message_reference = body.message_reference;
  if (body.poll) message.poll = body.poll;
  return message;
}

/** Discord answers embeds with `type: 'rich'` and fills nothing else in. */
export function normalizeEmbed(embed: Json): Json {
  return { type: 'rich', ...embed };
}

/** Applies a message edit body (content, embeds, components, flags) to a stored message. */
export function applyEdit(message: Json, body: Json, attachments: Json[] | null): void {
  if ('content' in body) message.content = body.content ?? '';
  if ('embeds' in body) message.embeds = (body.embeds ?? []).map(normalizeEmbed);
  if ('components' in body) message.components = body.components ?? [];
  if ('flags' in body && body.flags != null) {
    // Only SUPPRESS_EMBEDS can change on edit; LOADING (128) is cleared by the first real edit.
    message.flags = (message.flags & ~4) | (body.flags & 4);
  }
  if ('poll' in body) message.poll = body.poll;
  if (attachments) message.attachments = attachments;
  message.flags &= ~128;
  message.edited_timestamp = new Date().toISOString();
}

/** Finds a component by custom_id anywhere in a message's component tree. */
export function findComponent(components: Json[] | undefined, customId: string): Json | null {
  for (const component of components ?? []) {
    if (component.custom_id === customId) return component;
    const nested = findComponent(component.components ?? (component.component ? [component.component] : []), customId);
    if (nested) return nested;
    if (component.accessory?.custom_id === customId) return component.accessory;
  }
  return null;
}
