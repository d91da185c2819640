import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './gateway.ts';
import { InteractionHandle, type RecordedMessageWrite } from './interaction-handle.ts';
import {
  ALL_PERMISSIONS,
  ChannelType,
  applyEdit,
  findComponent,
  guildCreatePayload,
  interactionToken,
  makeDmChannel,
  makeGuild,
  makeMessage,
  makeUser,
  memberPayload,
  memberPermissions,
  type FakeGuild,
  type FakeMember,
  type GuildInput,
  type Json,
  type MemberInput,
  type UserInput,
} from './model.ts';
import { DiscordOpenApi, describeErrors } from './openapi.ts';
import { parseBody, readRawBody, type UploadedFile } from './request-body.ts';
import { SnowflakeGenerator } from './snowflake.ts';
import { testDataPath } from '../test-data/locate.ts';

export const DEFAULT_SPEC_PATH = testDataPath('discord-api-spec', 'openapi.json');

export const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
export const CallbackType = { Pong: 1, Reply: 4, DeferredReply: 5, DeferredUpdate: 6, UpdateMessage: 7, AutocompleteResult: 8, Modal: 9 } as const;
const MessageFlags = { Ephemeral: 64, Loading: 128 } as const;
const OptionType = { Subcommand: 1, SubcommandGroup: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Mentionable: 9, Number: 10, Attachment: 11 } as const;

export interface FakeDiscordOptions {
  guilds?: GuildInput[];
  /**
   * The shard count GET /gateway/bot recommends (default 1). Sessions get the guilds and guild
   * events of the shard they identify as, `(guild_id >> 22) % num_shards`, as at Discord.
   */
  shards?: number;
  applicationId?: string;
  botUser?: UserInput;
  /** Discord's 3-second window to acknowledge an interaction. */
  ackTimeoutMs?: number;
  /** Interaction tokens stop working for edits and follow-ups after this long (Discord: 15 minutes). */
  tokenLifetimeMs?: number;
  /**
   * Default timeout of `response()`, `waitForMessage()`, `autocomplete()`...: only a safety net.
   * Waits end on the event they wait for, so a busy machine makes a test slower, never red.
   */
  waitTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * A user's reaction time: clicks, menu picks and modal submits are sent only once no REST request
   * is in flight and this long after the last response, so the bot has set up its collectors as it
   * would have for a human. Default 100 ms.
   */
  userDelayMs?: number;
  /**
   * Longest `content` accepted on `POST/PATCH /channels/:id/messages`. Discord's API description
   * says 4000 there (2000 on webhooks and interactions), its documentation 2000; 2000 by default.
   */
  channelMessageMaxLength?: number;
  /** The bot's permissions in interactions (`app_permissions`); everything by default. */
  botPermissions?: bigint;
  /**
   * The bot's token. When set, REST calls with another token get Discord's 401 (discord.js asks
   * REST for the gateway before it connects, so login fails there). Any token by default.
   */
  botToken?: string;
  /**
   * How long `enforce_nonce` remembers a nonce per channel ("the past few minutes" in Discord's
   * documentation), measured on the machine's clock like the fake's other windows. 5 minutes by default.
   */
  nonceWindowMs?: number;
  specPath?: string;
}

/** Channel permissions a test can take from the bot with `denyBotPermission`. */
export const BotChannelPermission = { ViewChannel: 1n << 10n, SendMessages: 1n << 11n } as const;
export type BotChannelPermissionName = keyof typeof BotChannelPermission;
const ADMINISTRATOR = 1n << 3n;

export interface Violation {
  method: string;
  path: string;
  reason: string;
  /** Extra facts (ajv errors, the refused body...). */
  details?: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  body: unknown;
  files: UploadedFile[];
}

interface StoredFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
  /** Serve the first half of the file, then nothing more until the connection closes. */
  stall?: boolean;
}

export type CdnFileOptions = {
  contentType?: string;
  description?: string;
  /** The download sends half the file, then hangs (to stop the bot while it downloads). */
  stall?: boolean;
};

/** An option value in `slashCommand({ options })`: plain values, a CDN attachment, a member. */
export type OptionValue = string | number | boolean | Json | FakeMember;

export interface CommandInput {
  guildId?: string;
  channelId?: string;
  member?: FakeMember;
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: Record<string, OptionValue>;
}

export interface AutocompleteInput extends CommandInput {
  focused: { name: string; value: string | number };
  /** How long to wait for the choices; `waitTimeoutMs` by default. */
  timeoutMs?: number;
}

export interface ComponentInput {
  /** The message holding the component: a message object the bot sent, or its id. */
  message: Json | string;
  customId: string;
  member?: FakeMember;
}

export interface ModalInput {
  guildId?: string;
  channelId?: string;
  member?: FakeMember;
  customId: string;
  /** Text input values by custom_id; a string select in a label takes its chosen value(s). */
  fields: Record<string, string | string[]>;
}

interface InteractionRecord {
  handle: InteractionHandle;
  guildId: string;
  channelId: string;
  member: FakeMember;
  createdAt: number;
  state: 'pending' | 'acknowledged' | 'expired';
  ackTimer: NodeJS.Timeout | null;
  originalMessageId: string | null;
  /** For component interactions: the message the component is on. */
  componentMessageId: string | null;
  /** Metadata put on messages created in response to this interaction. */
  metadata: Json;
  messageIds: Set<string>;
  choices: Json[] | null;
}

interface Route {
  status: number;
  body?: unknown;
}

interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  json: Json | undefined;
  files: UploadedFile[];
}

type RouteHandler = (ctx: RouteContext) => Route | Promise<Route>;

class DiscordError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
    readonly violation: string | null,
  ) {}
}

const openApiCache = new Map<string, DiscordOpenApi>();

function loadOpenApi(specPath: string): DiscordOpenApi {
  let api = openApiCache.get(specPath);
  if (!api) {
    api = DiscordOpenApi.load(specPath);
    openApiCache.set(specPath, api);
  }
  return api;
}

function isMember(value: unknown): value is FakeMember {
  return typeof value === 'object' && value !== null && 'guildId' in value && 'user' in value && 'roles' in value;
}

function isAttachment(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && 'url' in value && 'filename' in value && 'id' in value;
}

export class FakeDiscord {
  readonly applicationId: string;
  readonly botUser: Json;
  readonly guilds = new Map<string, FakeGuild>();
  readonly violations: Violation[] = [];
  /** Every REST request, in order, with the status it got. */
  readonly requests: RecordedRequest[] = [];
  /** Role changes made through `PUT/DELETE /guilds/:g/members/:u/roles/:r`. */
  readonly roleChanges: { guildId: string; userId: string; roleId: string; action: 'add' | 'remove' }[] = [];
  readonly cdn: { add: (filename: string, bytes: Uint8Array, options?: CdnFileOptions) => Json };

  private readonly ids = new SnowflakeGenerator();
  private readonly openapi: DiscordOpenApi;
  private readonly server: Server;
  private readonly gateway: FakeGateway;
  private readonly ackTimeoutMs: number;
  private readonly tokenLifetimeMs: number;
  private readonly waitTimeoutMs: number;
  /** The shard count GET /gateway/bot recommends. */
  private readonly shardCount: number;
  private readonly botPermissions: bigint;
  private readonly botToken: string | undefined;
  private readonly userDelayMs: number;
  private readonly channelMessageMaxLength: number;
  private readonly nonceWindowMs: number;
  private requestsInFlight = 0;
  private lastResponseAt = 0;
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly interactionsByToken = new Map<string, InteractionRecord>();
  private readonly messages = new Map<string, Json>();
  private readonly channelPosts = new Map<string, string[]>();
  private readonly files = new Map<string, StoredFile>();
  private readonly commandSets = new Map<string, Json[]>();
  private readonly modals = new Map<string, { modal: Json; record: InteractionRecord }>();
  private readonly routes = new Map<string, RouteHandler>();
  private readonly defaultMembers = new Map<string, FakeMember>();
  /** DM channels by the id of the user they are with. */
  private readonly dmChannels = new Map<string, Json>();
  private readonly closedDms = new Set<string>();
  private readonly deletedChannels = new Set<string>();
  /** Permissions denied to the bot, per channel. */
  private readonly deniedBotPermissions = new Map<string, bigint>();
  /** Per channel: the message each nonce sent with `enforce_nonce` created, and when. */
  private readonly nonces = new Map<string, Map<string, { messageId: string; at: number }>>();
  private baseUrl = '';

  constructor(options: FakeDiscordOptions = {}) {
    this.applicationId = options.applicationId ?? this.ids.next();
    this.botUser = makeUser(this.ids, { username: 'tf-study-bot', ...options.botUser, id: options.botUser?.id ?? this.applicationId, bot: true });
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? 15 * 60 * 1000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 45_000;
    this.shardCount = options.shards ?? 1;
    this.botPermissions = options.botPermissions ?? ALL_PERMISSIONS;
    this.botToken = options.botToken;
    this.userDelayMs = options.userDelayMs ?? 100;
    this.channelMessageMaxLength = options.channelMessageMaxLength ?? 2000;
    this.nonceWindowMs = options.nonceWindowMs ?? 5 * 60 * 1000;
    this.openapi = loadOpenApi(options.specPath ?? DEFAULT_SPEC_PATH);
    const owner = makeUser(this.ids, { username: 'guild-owner' });
    for (const input of options.guilds ?? [{ name: 'Study Group' }]) {
      const guild = makeGuild(this.ids, input, owner.id);
      this.guilds.set(guild.id, guild);
      this.addMember(guild, this.botUser, { permissions: null });
      if (guild.ownerId === owner.id) this.addMember(guild, owner, {});
    }
    this.cdn = { add: (filename, bytes, opts) => this.addCdnFile(filename, bytes, opts) };
    this.gateway = new FakeGateway(
      {
        readyPayload: (serves) => ({
          v: 10,
          user: { ...this.botUser, verified: true, mfa_enabled: false, email: null },
          guilds: [...this.guilds.keys()].filter(serves).map((id) => ({ id, unavailable: true })),
          application: { id: this.applicationId, flags: 0 },
          private_channels: [],
          relationships: [],
          presences: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          user_settings: {},
          session_type: 'normal',
          auth: {},
        }),
        afterReady: (serves) =>
          [...this.guilds.values()].filter((guild) => serves(guild.id)).map((guild) => ({ t: 'GUILD_CREATE', d: guildCreatePayload(guild, guild.members.get(this.botUser.id)!) })),
        guildIds: () => [...this.guilds.keys()],
        resumeGatewayUrl: () => this.gatewayUrl,
        violation: (reason) => this.violate('WS', '/gateway', reason),
      },
      options.heartbeatIntervalMs ?? 41250,
    );
    this.server = createServer((req, res) => {
      this.requestsInFlight += 1;
      res.once('close', () => {
        this.requestsInFlight -= 1;
        this.lastResponseAt = Date.now();
      });
      this.handleHttp(req, res).catch((error: unknown) => {
        this.violate(req.method ?? '?', req.url ?? '?', `the fake failed: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent) this.sendJson(res, 500, { message: '500: Internal Server Error', code: 0 });
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
    this.registerRoutes();
  }

  /** e.g. `http://127.0.0.1:PORT/api`: the discord.js `rest.api` option (env DISCORD_API_URL). */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  get origin(): string {
    return this.baseUrl;
  }

  get gatewayUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/gateway`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const record of this.interactions.values()) if (record.ackTimer) clearTimeout(record.ackTimer);
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- world -------------------------------------------------------------------------------

  /** A guild by id; the first guild when no id is given. */
  guild(guildId?: string): FakeGuild {
    const guild = guildId ? this.guilds.get(guildId) : this.guilds.values().next().value;
    if (!guild) throw new Error(`the fake has no guild ${guildId ?? ''} (guilds: ${[...this.guilds.keys()].join(', ') || 'none'})`);
    return guild;
  }

  /** Creates (or, for a known userId, returns) a member of a guild. */
  member(input: MemberInput = {}): FakeMember {
    const guild = this.guild(input.guildId);
    const existing = input.userId ? guild.members.get(input.userId) : undefined;
    if (existing) {
      if (input.dmsClosed) this.closeDms(existing.user.id as string);
      return existing;
    }
    const user = makeUser(this.ids, { id: input.userId, username: input.username, globalName: input.globalName });
    const roles = (input.roles ?? []).map((role) => {
      if (guild.roles.has(role)) return role;
      const byName = [...guild.roles.values()].find((candidate) => candidate.name === role);
      if (!byName) throw new Error(`guild ${guild.name} has no role "${role}" (roles: ${[...guild.roles.values()].map((r) => r.name).join(', ')})`);
      return byName.id as string;
    });
    if (input.dmsClosed) this.closeDms(user.id as string);
    return this.addMember(guild, user, { permissions: input.permissions ?? null, roles, nick: input.nick ?? null, locale: input.locale });
  }

  /** From now on the user accepts no DMs from the bot (privacy settings, or the bot blocked). */
  closeDms(userId: string): void {
    this.closedDms.add(userId);
  }

  /**
   * Deletes a guild channel, as a moderator would: the bot gets CHANNEL_DELETE, and later requests
   * to it get 404, code 10003 "Unknown Channel". What was posted there stays readable in the test.
   */
  deleteChannel(channelId: string): void {
    const guild = this.channelGuild(channelId);
    if (!guild) throw new Error(`the fake has no guild channel ${channelId}`);
    const channel = guild.channels.get(channelId)!;
    guild.channels.delete(channelId);
    this.deletedChannels.add(channelId);
    this.gateway.dispatch('CHANNEL_DELETE', channel, guild.id);
  }

  /**
   * Takes a permission from the bot in one channel, as a channel overwrite would for a bot that is
   * not an administrator: posting there gets 403 (SendMessages: code 50013 "Missing Permissions";
   * ViewChannel: code 50001 "Missing Access"), and interactions there carry the reduced
   * `app_permissions`.
   */
  denyBotPermission(channelId: string, permission: BotChannelPermissionName): void {
    if (!this.channelGuild(channelId)) throw new Error(`the fake has no guild channel ${channelId}`);
    this.deniedBotPermissions.set(channelId, (this.deniedBotPermissions.get(channelId) ?? 0n) | BotChannelPermission[permission]);
  }

  /** The bot's permissions in a channel: everything given, less what a test denied there. */
  private botPermissionsIn(channelId: string): bigint {
    const denied = this.deniedBotPermissions.get(channelId);
    return denied ? this.botPermissions & ~ADMINISTRATOR & ~denied : this.botPermissions;
  }

  private addMember(guild: FakeGuild, user: Json, fields: { permissions?: bigint | null; roles?: string[]; nick?: string | null; locale?: string }): FakeMember {
    const member: FakeMember = {
      guildId: guild.id,
      user,
      roles: fields.roles ?? [],
      nick: fields.nick ?? null,
      joinedAt: new Date().toISOString(),
      permissions: fields.permissions ?? null,
      locale: fields.locale ?? 'en-US',
    };
    guild.members.set(user.id as string, member);
    return member;
  }

  private defaultMember(guildId: string): FakeMember {
    let member = this.defaultMembers.get(guildId);
    if (!member) {
      member = this.member({ guildId, username: 'student' });
      this.defaultMembers.set(guildId, member);
    }
    return member;
  }

  /** A member's current role ids (after role changes made by the bot). */
  memberRoles(guildId: string, userId: string): string[] {
    const member = this.guild(guildId).members.get(userId);
    if (!member) throw new Error(`guild ${guildId} has no member ${userId}`);
    return [...member.roles];
  }

  /** Messages the bot posted with `POST /channels/:id/messages`, as they stand now, oldest first. */
  channelMessages(channelId: string): Json[] {
    return (this.channelPosts.get(channelId) ?? []).map((id) => this.messages.get(id)).filter((m): m is Json => Boolean(m)).map((m) => structuredClone(m));
  }

  /** Messages the bot sent a user by DM (`POST /users/@me/channels`, then a channel post), oldest first. */
  dmMessages(userId: string): Json[] {
    const channel = this.dmChannels.get(userId);
    return channel ? this.channelMessages(channel.id as string) : [];
  }

  /** Any message the bot sent (interaction responses, follow-ups, channel posts) as it stands now. */
  message(messageId: string): Json | undefined {
    const message = this.messages.get(messageId);
    return message ? structuredClone(message) : undefined;
  }

  /** The bytes behind an attachment (object, id or URL) the bot uploaded or a test put on the CDN. */
  fileBytes(attachment: Json | string): Buffer {
    const id = typeof attachment === 'string' ? (/^\d+$/.test(attachment) ? attachment : attachmentIdFromUrl(attachment)) : (attachment.id as string);
    const file = id ? this.files.get(id) : undefined;
    if (!file) throw new Error(`the fake holds no file for attachment ${typeof attachment === 'string' ? attachment : JSON.stringify(attachment)}`);
    return file.bytes;
  }

  /** Registered application commands: global ones, or a guild's. */
  commands(scope: { guildId?: string } = {}): Json[] {
    return structuredClone(this.commandSets.get(scope.guildId ?? 'global') ?? []);
  }

  // ---- violations ----------------------------------------------------------------------------

  private violate(method: string, path: string, reason: string, details?: unknown): void {
    this.violations.push(details === undefined ? { method, path, reason } : { method, path, reason, details });
  }

  /** Throws with a readable list when the bot did something real Discord would refuse. */
  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const list = this.violations.map((v, i) => `${i + 1}. ${v.method} ${v.path}: ${v.reason}`).join('\n');
    throw new Error(`The bot did ${this.violations.length} thing(s) real Discord would refuse:\n${list}`);
  }

  /** Returns the violations so far and forgets them (for tests that provoke one on purpose). */
  takeViolations(): Violation[] {
    return this.violations.splice(0);
  }

  private diagnosticsFor(record: () => InteractionRecord | undefined): () => string {
    return () => {
      const r = record();
      const lines: string[] = [];
      if (r) lines.push(`state: ${r.state}`);
      if (!this.gateway.connected) lines.push('no bot is connected to the gateway');
      if (this.violations.length) lines.push(`violations: ${this.violations.map((v) => `${v.method} ${v.path}: ${v.reason}`).join(' | ')}`);
      return lines.join('\n');
    };
  }

  // ---- driving interactions ------------------------------------------------------------------

  /** Cuts every gateway connection without a close frame (a network failure): the client should resume. */
  dropGatewayConnections(): void {
    this.gateway.dropConnections();
  }

  /** Resolves once the bot is online for every guild: identified on the gateway, with every shard if it shards. */
  waitForBot(timeoutMs = this.waitTimeoutMs): Promise<void> {
    return this.gateway.waitForIdentify(timeoutMs);
  }

  /** Sends a chat-input command as `member` would by typing `/name subcommand option:value`. */
  async slashCommand(input: CommandInput): Promise<InteractionHandle> {
    const { guild, channelId, member } = this.context(input);
    const data = this.commandData(guild, input, null);
    const label = `/${[input.name, input.subcommandGroup, input.subcommand].filter(Boolean).join(' ')}`;
    return this.dispatchInteraction(InteractionType.ApplicationCommand, data, { guild, channelId, member, label });
  }

  /** Sends an autocomplete interaction and resolves with the choices the bot answered. */
  async autocomplete(input: AutocompleteInput): Promise<Json[]> {
    const { guild, channelId, member } = this.context(input);
    const data = this.commandData(guild, input, input.focused);
    const label = `autocomplete /${[input.name, input.subcommandGroup, input.subcommand].filter(Boolean).join(' ')} ${input.focused.name}`;
    const handle = await this.dispatchInteraction(InteractionType.Autocomplete, data, { guild, channelId, member, label });
    const callback = await handle.response(input.timeoutMs);
    if (callback.type !== CallbackType.AutocompleteResult) throw new Error(`${label}: the bot answered with callback type ${callback.type}, not 8 (autocomplete result)`);
    return (callback.data?.choices ?? []) as Json[];
  }

  /** Clicks a button on a message the bot sent. */
  clickButton(input: ComponentInput): Promise<InteractionHandle> {
    return this.componentInteraction(input, 2, undefined);
  }

  /** Picks values in a string select menu on a message the bot sent. */
  selectMenu(input: ComponentInput & { values: string[] }): Promise<InteractionHandle> {
    return this.componentInteraction(input, 3, input.values);
  }

  /**
   * Submits a modal. When the bot showed a modal with this custom_id, the submission mirrors its
   * layout (action rows, or label components holding the text inputs, as Discord does); otherwise
   * label components are sent.
   */
  async submitModal(input: ModalInput): Promise<InteractionHandle> {
    await this.userPause();
    const shown = this.modals.get(input.customId);
    const guild = this.guild(input.guildId ?? shown?.record.guildId);
    const channelId = input.channelId ?? shown?.record.channelId ?? this.firstTextChannel(guild);
    const member = input.member ?? shown?.record.member ?? this.defaultMember(guild.id);
    const unused = new Set(Object.keys(input.fields));
    const selectMenu = (component: Json): Json => {
      const given = input.fields[component.custom_id as string];
      unused.delete(component.custom_id as string);
      const values = given === undefined ? [] : Array.isArray(given) ? given : [given];
      const options = ((component.options as Json[] | undefined) ?? []).map((o) => o.value as string);
      for (const value of values) {
        if (!options.includes(value)) throw new Error(`modal ${input.customId}: select "${component.custom_id}" has no option "${value}" (options: ${options.join(', ')})`);
      }
      const min = (component.min_values as number | undefined) ?? 1;
      if (component.required !== false && values.length < min) {
        throw new Error(`modal ${input.customId}: select "${component.custom_id}" is required; Discord would not let the user submit it empty`);
      }
      return { type: 3, id: component.id, custom_id: component.custom_id, values };
    };
    const labelled = (component: Json): Json => (component.type === 3 ? selectMenu(component) : textInput(component));
    const textInput = (component: Json): Json => {
      const given = input.fields[component.custom_id as string];
      if (Array.isArray(given)) throw new Error(`modal ${input.customId}: field "${component.custom_id}" is a text input; give it a string`);
      const value = given ?? component.value ?? '';
      unused.delete(component.custom_id as string);
      if (component.required !== false && value === '' && component.type === 4) {
        throw new Error(`modal ${input.customId}: field "${component.custom_id}" is required; Discord would not let the user submit it empty`);
      }
      if (component.max_length !== undefined && value.length > component.max_length) {
        throw new Error(`modal ${input.customId}: field "${component.custom_id}" allows ${component.max_length} characters, got ${value.length}`);
      }
      return { type: 4, id: component.id, custom_id: component.custom_id, value };
    };
    let components: Json[];
    if (shown) {
      components = (shown.modal.components as Json[]).map((row, index) => {
        if (row.type === 1) return { type: 1, id: row.id ?? index + 1, components: (row.components as Json[]).map(textInput) };
        if (row.type === 18) return { type: 18, id: row.id ?? index + 1, component: labelled(row.component) };
        return { type: row.type, id: row.id ?? index + 1 };
      });
    } else {
      let nextId = 1;
      components = Object.entries(input.fields).map(([customId, value]) => {
        unused.delete(customId);
        const id = nextId++;
        if (Array.isArray(value)) return { type: 18, id, component: { type: 3, id: nextId++, custom_id: customId, values: value } };
        return { type: 18, id, component: { type: 4, id: nextId++, custom_id: customId, value } };
      });
    }
    if (unused.size) throw new Error(`modal ${input.customId} has no text input(s) ${[...unused].join(', ')}`);
    const data = { custom_id: input.customId, components };
    const extra: Json = {};
    if (shown?.record.componentMessageId) {
      const message = this.messages.get(shown.record.componentMessageId);
      if (message) extra.message = structuredClone(message);
    }
    return this.dispatchInteraction(InteractionType.ModalSubmit, data, {
      guild,
      channelId,
      member,
      label: `modal ${input.customId}`,
      extra,
      triggering: shown?.record.metadata,
      componentMessageId: shown?.record.componentMessageId ?? null,
    });
  }

  /** Waits like a user who reacts to what the bot just did (see `userDelayMs`). */
  private async userPause(): Promise<void> {
    const deadline = Date.now() + this.waitTimeoutMs;
    for (;;) {
      const wait = this.lastResponseAt + this.userDelayMs - Date.now();
      if (this.requestsInFlight === 0 && wait <= 0) return;
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, Math.min(wait, this.userDelayMs))));
    }
  }

  private async componentInteraction(input: ComponentInput, componentType: number, values: string[] | undefined): Promise<InteractionHandle> {
    await this.userPause();
    const messageId = typeof input.message === 'string' ? input.message : (input.message.id as string);
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`the bot never sent message ${messageId}`);
    const component = findComponent(message.components as Json[], input.customId);
    if (!component) throw new Error(`message ${messageId} has no component "${input.customId}" (it may have been edited away)`);
    if (component.disabled) throw new Error(`component "${input.customId}" on message ${messageId} is disabled; a user cannot use it`);
    if (componentType === 2 && component.type !== 2) throw new Error(`component "${input.customId}" is of type ${component.type}, not a button`);
    if (componentType === 3 && component.type !== 3) throw new Error(`component "${input.customId}" is of type ${component.type}, not a string select`);
    const guild = this.guild(message.guild_id as string | undefined);
    const member = input.member ?? this.defaultMember(guild.id);
    const data: Json = { custom_id: input.customId, component_type: componentType, id: component.id };
    if (values) data.values = values;
    return this.dispatchInteraction(InteractionType.MessageComponent, data, {
      guild,
      channelId: message.channel_id as string,
      member,
      label: `${componentType === 2 ? 'button' : 'select'} ${input.customId}`,
      extra: { message: structuredClone(message) },
      componentMessageId: messageId,
    });
  }

  private context(input: { guildId?: string; channelId?: string; member?: FakeMember }): { guild: FakeGuild; channelId: string; member: FakeMember } {
    const guild = this.guild(input.guildId ?? input.member?.guildId);
    if (input.member && input.member.guildId !== guild.id) throw new Error(`member ${input.member.user.username} belongs to guild ${input.member.guildId}, not ${guild.id}`);
    const channelId = input.channelId ?? this.firstTextChannel(guild);
    if (!guild.channels.has(channelId)) throw new Error(`guild ${guild.name} has no channel ${channelId}`);
    return { guild, channelId, member: input.member ?? this.defaultMember(guild.id) };
  }

  private firstTextChannel(guild: FakeGuild): string {
    const channel = [...guild.channels.values()].find((c) => c.type === ChannelType.GuildText);
    if (!channel) throw new Error(`guild ${guild.name} has no text channel`);
    return channel.id as string;
  }

  private findCommand(guild: FakeGuild, name: string): Json | undefined {
    return [...(this.commandSets.get(guild.id) ?? []), ...(this.commandSets.get('global') ?? [])].find((c) => c.name === name && (c.type ?? 1) === 1);
  }

  /** Builds `data` of a chat-input (or autocomplete) interaction, typed by the registered command when there is one. */
  private commandData(guild: FakeGuild, input: CommandInput, focused: AutocompleteInput['focused'] | null): Json {
    const command = this.findCommand(guild, input.name);
    const resolved: Json = {};
    let definitions: Json[] | null = command ? ((command.options ?? []) as Json[]) : null;
    const nest = (name: string, type: number): void => {
      if (definitions) {
        const found = definitions.find((o) => o.name === name && o.type === type);
        if (!found) throw new Error(`/${input.name} has no ${type === 1 ? 'subcommand' : 'subcommand group'} "${name}" (has: ${definitions.map((o) => o.name).join(', ')})`);
        definitions = (found.options ?? []) as Json[];
      }
    };
    if (input.subcommandGroup) nest(input.subcommandGroup, OptionType.SubcommandGroup);
    if (input.subcommand) nest(input.subcommand, OptionType.Subcommand);
    const entries = Object.entries(input.options ?? {});
    if (focused) entries.push([focused.name, focused.value]);
    const leafOptions = entries.map(([name, value]) => {
      const definition = definitions?.find((o) => o.name === name);
      if (definitions && !definition) throw new Error(`/${input.name}${input.subcommand ? ` ${input.subcommand}` : ''} has no option "${name}" (has: ${definitions.map((o) => o.name).join(', ') || 'none'})`);
      const isFocused = focused?.name === name;
      const type = (definition?.type as number | undefined) ?? inferOptionType(value);
      const option: Json = { name, type, value: this.optionValue(guild, type, value, resolved, isFocused, name) };
      if (isFocused) option.focused = true;
      if (definition?.choices && !isFocused && !(definition.choices as Json[]).some((c) => c.value === option.value)) {
        throw new Error(`option "${name}" only accepts ${(definition.choices as Json[]).map((c) => JSON.stringify(c.value)).join(', ')}; got ${JSON.stringify(option.value)}`);
      }
      return option;
    });
    if (definitions && !focused) {
      const missing = definitions.filter((o) => o.required && o.type > 2 && !(o.name in (input.options ?? {})));
      if (missing.length) throw new Error(`/${input.name}: required option(s) ${missing.map((o) => o.name).join(', ')} missing; Discord would not send the command`);
    }
    let options = leafOptions;
    if (input.subcommand) options = [{ name: input.subcommand, type: OptionType.Subcommand, options }];
    if (input.subcommandGroup) options = [{ name: input.subcommandGroup, type: OptionType.SubcommandGroup, options }];
    const data: Json = { id: (command?.id as string | undefined) ?? this.ids.next(), name: input.name, type: 1, options };
    if (command?.guild_id) data.guild_id = command.guild_id;
    if (Object.keys(resolved).length) data.resolved = resolved;
    return data;
  }

  private optionValue(guild: FakeGuild, type: number, value: OptionValue, resolved: Json, isFocused: boolean, name: string): unknown {
    if (isFocused) return value;
    switch (type) {
      case OptionType.Attachment: {
        const attachment: Json | null = isAttachment(value) ? (value as Json) : typeof value === 'string' ? this.cdnAttachment(value) : null;
        if (!attachment) throw new Error(`option "${name}" is an attachment: pass the object returned by fake.cdn.add()`);
        (resolved.attachments ??= {})[attachment.id] = attachment;
        return attachment.id;
      }
      case OptionType.User:
      case OptionType.Mentionable: {
        const member = isMember(value) ? value : typeof value === 'string' ? guild.members.get(value) : undefined;
        if (!member) {
          if (type === OptionType.Mentionable && typeof value === 'string' && guild.roles.has(value)) {
            (resolved.roles ??= {})[value] = guild.roles.get(value);
            return value;
          }
          throw new Error(`option "${name}" needs a member from fake.member() (or a member's id)`);
        }
        const { user, ...rest } = memberPayload(guild, member, true);
        (resolved.users ??= {})[user.id] = user;
        (resolved.members ??= {})[user.id] = rest;
        return user.id;
      }
      case OptionType.Channel: {
        const channel = typeof value === 'string' ? guild.channels.get(value) : undefined;
        if (!channel) throw new Error(`option "${name}" needs a channel id of guild ${guild.name}`);
        (resolved.channels ??= {})[channel.id] = { id: channel.id, name: channel.name, type: channel.type, permissions: ALL_PERMISSIONS.toString(), parent_id: channel.parent_id, flags: 0 };
        return channel.id;
      }
      case OptionType.Role: {
        const role = typeof value === 'string' ? (guild.roles.get(value) ?? [...guild.roles.values()].find((r) => r.name === value)) : undefined;
        if (!role) throw new Error(`option "${name}" needs a role id or name of guild ${guild.name}`);
        (resolved.roles ??= {})[role.id] = role;
        return role.id;
      }
      case OptionType.Integer:
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`option "${name}" is an integer, got ${JSON.stringify(value)}`);
        return value;
      case OptionType.Number:
        if (typeof value !== 'number') throw new Error(`option "${name}" is a number, got ${JSON.stringify(value)}`);
        return value;
      case OptionType.Boolean:
        if (typeof value !== 'boolean') throw new Error(`option "${name}" is a boolean, got ${JSON.stringify(value)}`);
        return value;
      default:
        if (typeof value !== 'string') throw new Error(`option "${name}" is a string, got ${JSON.stringify(value)}`);
        return value;
    }
  }

  private async dispatchInteraction(
    type: number,
    data: Json,
    context: { guild: FakeGuild; channelId: string; member: FakeMember; label: string; extra?: Json; triggering?: Json; componentMessageId?: string | null },
  ): Promise<InteractionHandle> {
    const { guild, channelId, member } = context;
    if (!this.gateway.servesGuild(guild.id)) {
      throw new Error(
        `cannot send ${context.label}: no bot session serves guild ${guild.id} on the fake gateway (log the client in, every shard of it, and wait for ready first)`,
      );
    }
    const id = this.ids.next();
    const token = interactionToken();
    const channel = guild.channels.get(channelId)!;
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      data,
      guild: { id: guild.id, locale: guild.preferredLocale, features: [] },
      guild_id: guild.id,
      channel: { ...channel, permissions: memberPermissions(guild, member).toString() },
      channel_id: channelId,
      member: memberPayload(guild, member, true),
      token,
      version: 1,
      app_permissions: this.botPermissionsIn(channelId).toString(),
      locale: member.locale,
      guild_locale: guild.preferredLocale,
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
      ...context.extra,
    };
    const metadata: Json = { id, type, user: member.user, authorizing_integration_owners: { '0': guild.id } };
    if (type === InteractionType.ApplicationCommand) {
      metadata.name = context.label.slice(1);
      metadata.command_type = 1;
    }
    if (type === InteractionType.MessageComponent && context.componentMessageId) metadata.interacted_message_id = context.componentMessageId;
    if (type === InteractionType.ModalSubmit && context.triggering) metadata.triggering_interaction_metadata = context.triggering;
    let record: InteractionRecord | undefined;
    const handle = new InteractionHandle({ id, token, type, label: context.label, payload }, this.waitTimeoutMs, this.diagnosticsFor(() => record));
    record = {
      handle,
      guildId: guild.id,
      channelId,
      member,
      createdAt: Date.now(),
      state: 'pending',
      ackTimer: null,
      originalMessageId: null,
      componentMessageId: context.componentMessageId ?? null,
      metadata,
      messageIds: new Set(),
      choices: null,
    };
    const pending = record;
    pending.ackTimer = setTimeout(() => {
      pending.ackTimer = null;
      if (pending.state !== 'pending') return;
      pending.state = 'expired';
      this.violate('INTERACTION', `${context.label} (${id})`, `not acknowledged within ${this.ackTimeoutMs} ms; Discord shows "The application did not respond"`);
      handle.record({});
    }, this.ackTimeoutMs);
    pending.ackTimer.unref();
    this.interactions.set(id, record);
    this.interactionsByToken.set(token, record);
    handle.shards = this.gateway.shardsServing(guild.id);
    this.gateway.dispatch('INTERACTION_CREATE', payload, guild.id);
    return handle;
  }

  // ---- CDN and files -------------------------------------------------------------------------

  private addCdnFile(filename: string, bytes: Uint8Array, options: CdnFileOptions = {}): Json {
    const id = this.ids.next();
    const contentType = options.contentType ?? guessContentType(filename);
    this.files.set(id, { filename, contentType, bytes: Buffer.from(bytes), stall: options.stall });
    const url = `${this.baseUrl}/ephemeral-attachments/${this.applicationId}/${id}/${encodeURIComponent(filename)}`;
    const attachment: Json = { id, filename, size: bytes.byteLength, url, proxy_url: url, content_type: contentType, ephemeral: true };
    if (options.description) attachment.description = options.description;
    return attachment;
  }

  private cdnAttachment(id: string): Json | null {
    const file = this.files.get(id);
    if (!file) return null;
    const url = `${this.baseUrl}/ephemeral-attachments/${this.applicationId}/${id}/${encodeURIComponent(file.filename)}`;
    return { id, filename: file.filename, size: file.bytes.length, url, proxy_url: url, content_type: file.contentType, ephemeral: true };
  }

  /** Message attachments from a body's `attachments` array and the uploaded `files[n]`, keeping listed existing ones. */
  private buildAttachments(channelId: string, body: Json, uploaded: UploadedFile[], existing: Json[] | null): Json[] | null {
    const listed = Array.isArray(body.attachments) ? (body.attachments as Json[]) : null;
    if (!listed && uploaded.length === 0) return null;
    const result: Json[] = [];
    const usedFiles = new Set<UploadedFile>();
    const store = (file: UploadedFile, entry: Json | undefined): Json => {
      usedFiles.add(file);
      const id = this.ids.next();
      const filename = (entry?.filename as string | undefined) ?? file.filename;
      this.files.set(id, { filename, contentType: file.contentType, bytes: file.bytes });
      const url = `${this.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
      const attachment: Json = { id, filename, size: file.bytes.length, url, proxy_url: url, content_type: file.contentType };
      if (entry?.description) attachment.description = entry.description;
      if (entry?.title) attachment.title = entry.title;
      return attachment;
    };
    if (listed) {
      for (const entry of listed) {
        const kept = existing?.find((a) => a.id === String(entry.id));
        if (kept) {
          result.push(kept);
          continue;
        }
        const file = uploaded.find((f) => f.index !== null && String(f.index) === String(entry.id));
        if (!file) throw new DiscordError(400, 50035, 'Invalid Form Body', `attachments entry ${JSON.stringify(entry)} refers to no existing attachment and no files[${String(entry.id)}] part`);
        result.push(store(file, entry));
      }
    } else if (existing) {
      result.push(...existing);
    }
    for (const file of uploaded) if (!usedFiles.has(file)) result.push(store(file, undefined));
    if (result.length > 10) throw new DiscordError(400, 50035, 'Invalid Form Body', `a message can carry at most 10 attachments, got ${result.length}`);
    return result;
  }

  private createBotMessage(record: InteractionRecord | null, channelId: string, body: Json, files: UploadedFile[], type: number, extraFlags = 0): Json {
    const id = this.ids.next();
    const attachments = this.buildAttachments(channelId, body, files, null) ?? [];
    const message = makeMessage({
      id,
      channelId,
      guildId: record?.guildId ?? this.channelGuild(channelId)?.id ?? null,
      author: this.botUser,
      body: { ...body, flags: ((body.flags as number | undefined) ?? 0) | extraFlags },
      attachments,
      type,
      applicationId: record ? this.applicationId : undefined,
      webhookId: record ? this.applicationId : undefined,
      interactionMetadata: record ? record.metadata : undefined,
      interaction: record && record.handle.type === InteractionType.ApplicationCommand
        ? { id: record.handle.id, type: record.handle.type, name: record.metadata.name, user: record.member.user }
        : undefined,
    });
    this.messages.set(id, message);
    if (record) record.messageIds.add(id);
    return message;
  }

  private channelGuild(channelId: string): FakeGuild | undefined {
    return [...this.guilds.values()].find((guild) => guild.channels.has(channelId));
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private sendJson(res: ServerResponse, status: number, body?: unknown): void {
    if (status === 204 || body === undefined) {
      res.writeHead(status === 200 && body === undefined ? 204 : status);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'GET' && /^\/(ephemeral-)?attachments\//.test(url.pathname)) {
      const id = attachmentIdFromUrl(url.pathname);
      const file = id ? this.files.get(id) : undefined;
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not Found');
        return;
      }
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
      if (file.stall) {
        // A download that hangs mid-way (a slow or broken CDN): the client decides when to give up.
        res.write(file.bytes.subarray(0, Math.floor(file.bytes.length / 2)));
        return;
      }
      res.end(file.bytes);
      return;
    }
    const raw = await readRawBody(req);
    const versioned = /^\/api\/v(\d+)(\/.*)$/.exec(url.pathname);
    const apiPath = versioned ? versioned[2] : url.pathname.startsWith('/api/') ? url.pathname.slice(4) : null;
    const record = (status: number, body: unknown, files: UploadedFile[] = []): void => {
      this.requests.push({ method, path: url.pathname, query: url.search, status, body, files });
    };
    if (apiPath === null) {
      this.violate(method, url.pathname, 'not an API path (expected /api/v10/...)');
      record(404, undefined);
      this.sendJson(res, 404, { message: '404: Not Found', code: 0 });
      return;
    }
    if (versioned && versioned[1] !== '10') this.violate(method, url.pathname, `API version v${versioned[1]} used; the bot should use v10`);
    const match = this.openapi.match(apiPath);
    const handler = match ? this.routes.get(`${method} ${match.template}`) : undefined;
    const parsed = await parseBody(req.headers['content-type'], raw);
    if (!match || !handler) {
      const reason = !match
        ? 'unknown route: not in Discord\'s API description'
        : this.openapi.hasOperation(method, match.template)
          ? `route ${method} ${match.template} exists in Discord's API but the fake does not implement it`
          : `unknown route: Discord has no ${method} ${match.template}`;
      this.violate(method, url.pathname, reason);
      record(404, parsed.json, parsed.files);
      this.sendJson(res, 404, { message: '404: Not Found', code: 0 });
      return;
    }
    const interaction = match.params.interaction_token ? this.interactionsByToken.get(match.params.interaction_token) : match.params.webhook_token ? this.interactionsByToken.get(match.params.webhook_token) : undefined;
    const refuse = (status: number, body: Json, reason: string | null, details?: unknown): void => {
      if (reason) this.violate(method, url.pathname, reason, details);
      record(status, parsed.json, parsed.files);
      interaction?.handle.record({ rejected: { method, path: url.pathname, status, body } });
      this.sendJson(res, status, body);
    };
    const authless = match.template.startsWith('/interactions/') || match.template.startsWith('/webhooks/{webhook_id}/{webhook_token}');
    if (!authless && !/^Bot \S+/.test(req.headers.authorization ?? '')) {
      refuse(401, { message: '401: Unauthorized', code: 0 }, 'request without "Authorization: Bot <token>"');
      return;
    }
    if (!authless && this.botToken !== undefined && req.headers.authorization !== `Bot ${this.botToken}`) {
      // A wrong token is the operator's mistake, not the bot's: refused, but no violation.
      refuse(401, { message: '401: Unauthorized', code: 0 }, null);
      return;
    }
    if (parsed.error) {
      refuse(400, { message: 'The request body contains invalid JSON.', code: 50109 }, parsed.error);
      return;
    }
    if (parsed.json !== undefined) {
      const check = this.openapi.checkBody(method, match.template, parsed.json);
      if (!check.valid) {
        refuse(
          400,
          { message: 'Invalid Form Body', code: 50035, errors: check.discordErrors },
          `body refused by Discord's API schema (${method} ${match.template}): ${describeErrors(check.errors)}`,
          { errors: check.errors, body: parsed.json },
        );
        return;
      }
    }
    const written = messageWritten(method, match.template, parsed.json as Json | undefined);
    if (written && typeof written.content === 'string' && written.content !== '' && written.allowed_mentions === undefined) {
      // Discord accepts it, and parses every mention in the content: member-supplied text could ping
      // @everyone. The bot sets allowed_mentions on every message (its client default).
      this.violate(method, url.pathname, 'message content sent without allowed_mentions: every mention in it would ping');
    }
    const content = (parsed.json as Json | undefined)?.content;
    if (match.template.startsWith('/channels/{channel_id}/messages') && typeof content === 'string' && content.length > this.channelMessageMaxLength) {
      const limit = this.channelMessageMaxLength;
      refuse(
        400,
        { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` }] } } },
        `body refused (${method} ${match.template}): /content must NOT have more than ${limit} characters (got ${content.length})`,
      );
      return;
    }
    try {
      const result = await handler({ method, path: url.pathname, params: match.params, query: url.searchParams, json: parsed.json as Json | undefined, files: parsed.files });
      record(result.status, parsed.json, parsed.files);
      this.sendJson(res, result.status, result.body);
    } catch (error) {
      if (!(error instanceof DiscordError)) throw error;
      refuse(error.status, { message: error.message, code: error.code }, error.violation);
    }
  }

  private route(method: string, template: string, handler: RouteHandler): void {
    this.routes.set(`${method} ${template}`, handler);
  }

  private registerRoutes(): void {
    const gateway = (): Route => ({
      status: 200,
      body: { url: this.gatewayUrl, shards: this.shardCount, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } },
    });
    this.route('GET', '/gateway/bot', gateway);
    this.route('GET', '/gateway', () => ({ status: 200, body: { url: this.gatewayUrl } }));
    this.route('GET', '/users/@me', () => ({ status: 200, body: this.botUser }));
    this.route('POST', '/users/@me/channels', (ctx) => {
      const recipientId = ctx.json?.recipient_id as string | null | undefined;
      const recipient = recipientId ? this.knownUser(recipientId) : undefined;
      if (!recipient) throw new DiscordError(400, 50033, 'Invalid Recipient(s)', recipientId ? null : 'DM channel requested without recipient_id');
      let channel = this.dmChannels.get(recipientId!);
      if (!channel) {
        channel = makeDmChannel(this.ids.next(), recipient);
        this.dmChannels.set(recipientId!, channel);
      }
      return { status: 200, body: channel };
    });
    this.route('GET', '/applications/@me', () => ({ status: 200, body: this.applicationPayload() }));
    this.route('GET', '/oauth2/applications/@me', () => ({ status: 200, body: this.applicationPayload() }));

    // Application commands, global and per guild.
    const scopeOf = (ctx: RouteContext): string => {
      if (ctx.params.application_id !== this.applicationId) throw new DiscordError(403, 50001, 'Missing Access', `application id ${ctx.params.application_id} is not the bot's (${this.applicationId})`);
      if (ctx.params.guild_id) this.requireGuild(ctx.params.guild_id);
      return ctx.params.guild_id ?? 'global';
    };
    for (const base of ['/applications/{application_id}/commands', '/applications/{application_id}/guilds/{guild_id}/commands']) {
      this.route('GET', base, (ctx) => ({ status: 200, body: this.commandSets.get(scopeOf(ctx)) ?? [] }));
      this.route('PUT', base, (ctx) => {
        const scope = scopeOf(ctx);
        const previous = this.commandSets.get(scope) ?? [];
        const commands = ((ctx.json ?? []) as Json[]).map((input) => this.storeCommand(input, scope, previous));
        this.commandSets.set(scope, commands);
        return { status: 200, body: commands };
      });
      this.route('POST', base, (ctx) => {
        const scope = scopeOf(ctx);
        const commands = this.commandSets.get(scope) ?? [];
        const command = this.storeCommand(ctx.json ?? {}, scope, commands);
        const at = commands.findIndex((c) => c.id === command.id);
        if (at >= 0) commands[at] = command;
        else commands.push(command);
        this.commandSets.set(scope, commands);
        return { status: at >= 0 ? 200 : 201, body: command };
      });
      const one = `${base}/{command_id}`;
      const find = (ctx: RouteContext): { commands: Json[]; index: number } => {
        const commands = this.commandSets.get(scopeOf(ctx)) ?? [];
        const index = commands.findIndex((c) => c.id === ctx.params.command_id);
        if (index < 0) throw new DiscordError(404, 10063, 'Unknown application command', null);
        return { commands, index };
      };
      this.route('GET', one, (ctx) => {
        const { commands, index } = find(ctx);
        return { status: 200, body: commands[index] };
      });
      this.route('PATCH', one, (ctx) => {
        const { commands, index } = find(ctx);
        commands[index] = { ...commands[index], ...ctx.json, version: this.ids.next() };
        return { status: 200, body: commands[index] };
      });
      this.route('DELETE', one, (ctx) => {
        const { commands, index } = find(ctx);
        commands.splice(index, 1);
        return { status: 204 };
      });
    }

    // Interaction callbacks.
    this.route('POST', '/interactions/{interaction_id}/{interaction_token}/callback', (ctx) => this.interactionCallback(ctx));

    // The interaction webhook: original response, follow-ups.
    this.route('GET', '/webhooks/{webhook_id}/{webhook_token}/messages/@original', (ctx) => {
      const record = this.webhookInteraction(ctx);
      return { status: 200, body: this.originalOf(record) };
    });
    this.route('PATCH', '/webhooks/{webhook_id}/{webhook_token}/messages/@original', (ctx) => {
      const record = this.webhookInteraction(ctx);
      if (record.state !== 'acknowledged') throw new DiscordError(404, 10008, 'Unknown Message', `edit of ${record.handle.label}'s original response before the interaction was acknowledged`);
      const message = this.originalOf(record);
      this.editMessage(message, ctx);
      record.handle.record({ edit: { body: ctx.json ?? {}, files: ctx.files, message: structuredClone(message) }, original: structuredClone(message) });
      return { status: 200, body: message };
    });
    this.route('DELETE', '/webhooks/{webhook_id}/{webhook_token}/messages/@original', (ctx) => {
      const record = this.webhookInteraction(ctx);
      const message = this.originalOf(record);
      this.messages.delete(message.id as string);
      record.originalMessageId = null;
      record.handle.record({ original: null });
      return { status: 204 };
    });
    this.route('POST', '/webhooks/{webhook_id}/{webhook_token}', (ctx) => {
      const record = this.webhookInteraction(ctx);
      if (record.state !== 'acknowledged') throw new DiscordError(404, 10015, 'Unknown Webhook', `follow-up to ${record.handle.label} before the interaction was acknowledged`);
      const message = this.createBotMessage(record, record.channelId, ctx.json ?? {}, ctx.files, 0);
      record.handle.record({ followUp: { body: ctx.json ?? {}, files: ctx.files, message: structuredClone(message) } });
      return ctx.query.get('wait') === 'true' ? { status: 200, body: message } : { status: 204 };
    });
    const followUpMessage = (ctx: RouteContext): { record: InteractionRecord; message: Json } => {
      const record = this.webhookInteraction(ctx);
      const message = this.messages.get(ctx.params.message_id);
      if (!message || !record.messageIds.has(ctx.params.message_id)) throw new DiscordError(404, 10008, 'Unknown Message', `message ${ctx.params.message_id} was not sent through ${record.handle.label}'s webhook`);
      return { record, message };
    };
    this.route('GET', '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', (ctx) => ({ status: 200, body: followUpMessage(ctx).message }));
    this.route('PATCH', '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', (ctx) => {
      const { record, message } = followUpMessage(ctx);
      this.editMessage(message, ctx);
      const write: RecordedMessageWrite = { body: ctx.json ?? {}, files: ctx.files, message: structuredClone(message) };
      if (message.id === record.originalMessageId) record.handle.record({ edit: write, original: structuredClone(message) });
      else record.handle.record({ followUpEdit: write });
      return { status: 200, body: message };
    });
    this.route('DELETE', '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}', (ctx) => {
      const { record, message } = followUpMessage(ctx);
      this.messages.delete(message.id as string);
      if (message.id === record.originalMessageId) {
        record.originalMessageId = null;
        record.handle.record({ original: null });
      }
      return { status: 204 };
    });

    // Channels and channel messages.
    this.route('GET', '/channels/{channel_id}', (ctx) => ({ status: 200, body: this.requireChannel(ctx.params.channel_id) }));
    this.route('POST', '/channels/{channel_id}/messages', (ctx) => {
      const channel = this.requireChannel(ctx.params.channel_id);
      this.checkCanPost(channel);
      const body = ctx.json ?? {};
      if (!body.content && !body.embeds?.length && !body.components?.length && !body.sticker_ids?.length && !body.poll && ctx.files.length === 0) {
        throw new DiscordError(400, 50006, 'Cannot send an empty message', 'empty message posted');
      }
      const repeated = this.repeatedNonce(channel.id as string, body);
      if (repeated) return { status: 200, body: repeated };
      const message = this.createBotMessage(null, channel.id as string, body, ctx.files, body.message_reference ? 19 : 0);
      const posts = this.channelPosts.get(channel.id as string) ?? [];
      posts.push(message.id as string);
      this.channelPosts.set(channel.id as string, posts);
      channel.last_message_id = message.id;
      this.rememberNonce(channel.id as string, body, message.id as string);
      return { status: 200, body: message };
    });
    this.route('GET', '/channels/{channel_id}/messages', (ctx) => {
      this.requireChannel(ctx.params.channel_id);
      const limit = Number(ctx.query.get('limit') ?? 50);
      const list = [...this.messages.values()].filter((m) => m.channel_id === ctx.params.channel_id).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      return { status: 200, body: list.slice(0, limit) };
    });
    const channelMessage = (ctx: RouteContext): Json => {
      this.requireChannel(ctx.params.channel_id);
      const message = this.messages.get(ctx.params.message_id);
      if (!message || message.channel_id !== ctx.params.channel_id) throw new DiscordError(404, 10008, 'Unknown Message', null);
      return message;
    };
    this.route('GET', '/channels/{channel_id}/messages/{message_id}', (ctx) => ({ status: 200, body: channelMessage(ctx) }));
    this.route('PATCH', '/channels/{channel_id}/messages/{message_id}', (ctx) => {
      const message = channelMessage(ctx);
      if (message.author.id !== this.botUser.id) throw new DiscordError(403, 50005, 'Cannot edit a message authored by another user', 'edit of a message the bot did not write');
      this.editMessage(message, ctx);
      return { status: 200, body: message };
    });
    this.route('DELETE', '/channels/{channel_id}/messages/{message_id}', (ctx) => {
      const message = channelMessage(ctx);
      this.messages.delete(message.id as string);
      return { status: 204 };
    });

    // Guilds, members, roles.
    this.route('GET', '/guilds/{guild_id}', (ctx) => {
      const guild = this.requireGuild(ctx.params.guild_id);
      const { members: _members, channels: _channels, ...rest } = guildCreatePayload(guild, guild.members.get(this.botUser.id)!);
      return { status: 200, body: rest };
    });
    this.route('GET', '/guilds/{guild_id}/channels', (ctx) => ({ status: 200, body: [...this.requireGuild(ctx.params.guild_id).channels.values()] }));
    this.route('GET', '/guilds/{guild_id}/roles', (ctx) => ({ status: 200, body: [...this.requireGuild(ctx.params.guild_id).roles.values()] }));
    this.route('POST', '/guilds/{guild_id}/roles', (ctx) => {
      const guild = this.requireGuild(ctx.params.guild_id);
      const body = ctx.json ?? {};
      const id = this.ids.next();
      const role: Json = {
        id,
        name: body.name ?? 'new role',
        color: body.color ?? 0,
        colors: { primary_color: body.color ?? 0, secondary_color: null, tertiary_color: null },
        hoist: Boolean(body.hoist),
        icon: null,
        unicode_emoji: null,
        position: guild.roles.size,
        permissions: String(body.permissions ?? guild.roles.get(guild.id)!.permissions),
        managed: false,
        mentionable: Boolean(body.mentionable),
        flags: 0,
      };
      guild.roles.set(id, role);
      this.gateway.dispatch('GUILD_ROLE_CREATE', { guild_id: guild.id, role }, guild.id);
      return { status: 200, body: role };
    });
    this.route('GET', '/guilds/{guild_id}/members/{user_id}', (ctx) => {
      const guild = this.requireGuild(ctx.params.guild_id);
      return { status: 200, body: memberPayload(guild, this.requireMember(guild, ctx.params.user_id), false) };
    });
    const roleChange = (action: 'add' | 'remove') => (ctx: RouteContext): Route => {
      const guild = this.requireGuild(ctx.params.guild_id);
      const member = this.requireMember(guild, ctx.params.user_id);
      const role = guild.roles.get(ctx.params.role_id);
      if (!role || role.id === guild.id) throw new DiscordError(404, 10011, 'Unknown Role', `role ${ctx.params.role_id} does not exist in guild ${guild.name}`);
      if (action === 'add' && !member.roles.includes(role.id as string)) member.roles.push(role.id as string);
      if (action === 'remove') member.roles = member.roles.filter((r) => r !== role.id);
      this.roleChanges.push({ guildId: guild.id, userId: member.user.id as string, roleId: role.id as string, action });
      return { status: 204 };
    };
    this.route('PUT', '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', roleChange('add'));
    this.route('DELETE', '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', roleChange('remove'));
  }

  private applicationPayload(): Json {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: '',
      type: null,
      bot: this.botUser,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      owner: { ...this.botUser, bot: false, username: 'bot-owner', id: this.ids.next() },
      team: null,
      summary: '',
      tags: [],
      approximate_guild_count: this.guilds.size,
      integration_types_config: { '0': {} },
    };
  }

  private storeCommand(input: Json, scope: string, previous: Json[]): Json {
    const type = (input.type as number | undefined) ?? 1;
    const same = previous.find((c) => c.name === input.name && (c.type ?? 1) === type);
    const command: Json = {
      id: (same?.id as string | undefined) ?? this.ids.next(),
      application_id: this.applicationId,
      version: this.ids.next(),
      default_member_permissions: input.default_member_permissions ?? null,
      type,
      name: input.name,
      name_localizations: input.name_localizations ?? null,
      description: input.description ?? '',
      description_localizations: input.description_localizations ?? null,
      options: input.options ?? [],
      nsfw: input.nsfw ?? false,
      contexts: input.contexts ?? null,
      integration_types: input.integration_types ?? [0],
    };
    if (scope !== 'global') command.guild_id = scope;
    else command.dm_permission = input.dm_permission ?? true;
    return command;
  }

  private requireGuild(guildId: string): FakeGuild {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new DiscordError(404, 10004, 'Unknown Guild', `guild ${guildId} does not exist`);
    return guild;
  }

  private requireMember(guild: FakeGuild, userId: string): FakeMember {
    const member = guild.members.get(userId);
    if (!member) throw new DiscordError(404, 10007, 'Unknown Member', `user ${userId} is not a member of guild ${guild.name}`);
    return member;
  }

  private requireChannel(channelId: string): Json {
    for (const guild of this.guilds.values()) {
      const channel = guild.channels.get(channelId);
      if (channel) return channel;
    }
    const dm = [...this.dmChannels.values()].find((channel) => channel.id === channelId);
    if (dm) return dm;
    // A channel deleted while the bot still held its id is the world changing, not a bot mistake.
    if (this.deletedChannels.has(channelId)) throw new DiscordError(404, 10003, 'Unknown Channel', null);
    throw new DiscordError(404, 10003, 'Unknown Channel', `channel ${channelId} does not exist`);
  }

  /** Any user the fake knows: the bot, or a member of one of its guilds. */
  private knownUser(userId: string): Json | undefined {
    if (userId === this.botUser.id) return this.botUser;
    for (const guild of this.guilds.values()) {
      const member = guild.members.get(userId);
      if (member) return member.user;
    }
    return undefined;
  }

  /** Refuses a post as Discord does when the user closed their DMs or the bot lacks a permission. */
  private checkCanPost(channel: Json): void {
    if (channel.type === ChannelType.DM) {
      const recipient = (channel.recipients as Json[])[0];
      if (this.closedDms.has(recipient.id as string)) throw new DiscordError(403, 50007, 'Cannot send messages to this user', null);
      return;
    }
    const permissions = this.botPermissionsIn(channel.id as string);
    if (permissions & ADMINISTRATOR) return;
    if (!(permissions & BotChannelPermission.ViewChannel)) throw new DiscordError(403, 50001, 'Missing Access', null);
    if (!(permissions & BotChannelPermission.SendMessages)) throw new DiscordError(403, 50013, 'Missing Permissions', null);
  }

  /**
   * With `enforce_nonce`, Discord creates no second message for a nonce it saw in the channel in
   * the past few minutes: it answers with the first one (when it still exists).
   */
  private repeatedNonce(channelId: string, body: Json): Json | undefined {
    if (body.enforce_nonce !== true || body.nonce == null) return undefined;
    const seen = this.nonces.get(channelId)?.get(String(body.nonce));
    if (!seen || Date.now() - seen.at > this.nonceWindowMs) return undefined;
    return this.messages.get(seen.messageId);
  }

  private rememberNonce(channelId: string, body: Json, messageId: string): void {
    if (body.enforce_nonce !== true || body.nonce == null) return;
    const byNonce = this.nonces.get(channelId) ?? new Map<string, { messageId: string; at: number }>();
    byNonce.set(String(body.nonce), { messageId, at: Date.now() });
    this.nonces.set(channelId, byNonce);
  }

  private webhookInteraction(ctx: RouteContext): InteractionRecord {
    const record = this.interactionsByToken.get(ctx.params.webhook_token);
    if (!record || ctx.params.webhook_id !== this.applicationId) throw new DiscordError(404, 10015, 'Unknown Webhook', `webhook ${ctx.params.webhook_id} with this token is not an interaction of the bot`);
    if (Date.now() - record.createdAt > this.tokenLifetimeMs) throw new DiscordError(401, 50027, 'Invalid Webhook Token', `${record.handle.label}: interaction token used after ${this.tokenLifetimeMs} ms`);
    return record;
  }

  private originalOf(record: InteractionRecord): Json {
    const id = record.originalMessageId;
    const message = id ? this.messages.get(id) : undefined;
    if (!message) throw new DiscordError(404, 10008, 'Unknown Message', `${record.handle.label} has no original response message`);
    return message;
  }

  private editMessage(message: Json, ctx: RouteContext): void {
    const body = ctx.json ?? {};
    const attachments = this.buildAttachments(message.channel_id as string, body, ctx.files, message.attachments as Json[]);
    applyEdit(message, body, attachments);
  }

  private interactionCallback(ctx: RouteContext): Route {
    const record = this.interactions.get(ctx.params.interaction_id);
    if (!record || record.handle.token !== ctx.params.interaction_token) {
      throw new DiscordError(404, 10062, 'Unknown interaction', `callback for an interaction the fake never sent (${ctx.params.interaction_id})`);
    }
    const handle = record.handle;
    if (record.state === 'expired') throw new DiscordError(404, 10062, 'Unknown interaction', null);
    if (record.state === 'acknowledged') {
      throw new DiscordError(400, 40060, 'Interaction has already been acknowledged.', `${handle.label} acknowledged twice`);
    }
    const body = ctx.json ?? {};
    const type = body.type as number;
    const allowed: Record<number, number[]> = {
      [InteractionType.ApplicationCommand]: [CallbackType.Reply, CallbackType.DeferredReply, CallbackType.Modal],
      [InteractionType.MessageComponent]: [CallbackType.Reply, CallbackType.DeferredReply, CallbackType.DeferredUpdate, CallbackType.UpdateMessage, CallbackType.Modal],
      [InteractionType.Autocomplete]: [CallbackType.AutocompleteResult],
      [InteractionType.ModalSubmit]: record.componentMessageId
        ? [CallbackType.Reply, CallbackType.DeferredReply, CallbackType.DeferredUpdate, CallbackType.UpdateMessage]
        : [CallbackType.Reply, CallbackType.DeferredReply],
    };
    if (!allowed[handle.type]?.includes(type)) {
      throw new DiscordError(400, 40043, 'Interaction callback type is not allowed for this interaction', `callback type ${type} is not valid for ${handle.label} (allowed: ${allowed[handle.type]?.join(', ')})`);
    }
    const data = body.data as Json | undefined;
    let message: Json | null = null;
    if (type === CallbackType.Reply || type === CallbackType.DeferredReply) {
      const messageType = handle.type === InteractionType.ApplicationCommand ? 20 : 19;
      const messageBody = type === CallbackType.Reply ? (data ?? {}) : { flags: (data?.flags as number | undefined) ?? 0 };
      if (type === CallbackType.Reply && !messageBody.content && !messageBody.embeds?.length && !messageBody.components?.length && !messageBody.poll && ctx.files.length === 0) {
        throw new DiscordError(400, 50006, 'Cannot send an empty message', `${handle.label} replied with an empty message`);
      }
      message = this.createBotMessage(record, record.channelId, messageBody, ctx.files, messageType, type === CallbackType.DeferredReply ? MessageFlags.Loading : 0);
      record.originalMessageId = message.id as string;
    } else if (type === CallbackType.UpdateMessage || type === CallbackType.DeferredUpdate) {
      record.originalMessageId = record.componentMessageId;
      message = record.componentMessageId ? (this.messages.get(record.componentMessageId) ?? null) : null;
      if (message && type === CallbackType.UpdateMessage) {
        const attachments = this.buildAttachments(message.channel_id as string, data ?? {}, ctx.files, message.attachments as Json[]);
        applyEdit(message, data ?? {}, attachments);
      }
    } else if (type === CallbackType.Modal) {
      this.modals.set(data!.custom_id as string, { modal: structuredClone(data!), record });
    } else if (type === CallbackType.AutocompleteResult) {
      record.choices = (data?.choices ?? []) as Json[];
    }
    record.state = 'acknowledged';
    if (record.ackTimer) clearTimeout(record.ackTimer);
    record.ackTimer = null;
    handle.record({
      callback: { type, data: data === undefined ? undefined : structuredClone(data), files: ctx.files, afterMs: Date.now() - record.createdAt },
      original: message ? structuredClone(message) : undefined,
    });
    if (ctx.query.get('with_response') !== 'true') return { status: 204 };
    const response: Json = {
      interaction: {
        id: handle.id,
        type: handle.type,
        response_message_id: message?.id,
        response_message_loading: type === CallbackType.DeferredReply,
        response_message_ephemeral: Boolean(((message?.flags as number | undefined) ?? 0) & MessageFlags.Ephemeral),
      },
      resource: message && type !== CallbackType.DeferredUpdate ? { type, message } : { type },
    };
    return { status: 200, body: response };
  }
}

function inferOptionType(value: OptionValue): number {
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  if (isAttachment(value)) return OptionType.Attachment;
  if (isMember(value)) return OptionType.User;
  return OptionType.String;
}

function attachmentIdFromUrl(url: string): string | null {
  const match = /\/(?:ephemeral-)?attachments\/\d+\/(\d+)\//.exec(url);
  return match ? match[1] : null;
}

function guessContentType(filename: string): string {
  const extension = filename.toLowerCase().split('.').pop() ?? '';
  const types: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    json: 'application/json',
    txt: 'text/plain; charset=utf-8',
    csv: 'text/csv; charset=utf-8',
    zip: 'application/zip',
    h5: 'application/x-hdf5',
    keras: 'application/zip',
    bin: 'application/octet-stream',
  };
  return types[extension] ?? 'application/octet-stream';
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(options);
  await fake.listen();
  return fake;
}

/** The message a request writes (its content may ping someone), or undefined for other requests. */
function messageWritten(method: string, template: string, body: Json | undefined): Json | undefined {
  if (!body || (method !== 'POST' && method !== 'PATCH')) return undefined;
  if (template === '/interactions/{interaction_id}/{interaction_token}/callback') {
    // 4: reply, 7: update the message of a component.
    return body.type === 4 || body.type === 7 ? (body.data as Json | undefined) : undefined;
  }
  if (template.startsWith('/channels/{channel_id}/messages') || template.startsWith('/webhooks/{webhook_id}/{webhook_token}')) return body;
  return undefined;
}
