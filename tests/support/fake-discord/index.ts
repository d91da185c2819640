/**
 * A fake Discord for tests: an HTTP server for the REST routes the bot uses plus a WebSocket
 * gateway on the same port, driven by the real discord.js client. Every request body the bot
 * sends is checked against Discord's official OpenAPI description (discord-api-spec/openapi.json in the test data);
 * anything real Discord would refuse is answered the way Discord answers it AND recorded as a
 * violation, so tests fail on it.
 *
 * Start and connect:
 * ```ts
 * const fake = await startFakeDiscord({ guilds: [{ id?, name, ownerId?, channels?: [{ id?, name, type? }],
 *   roles?: [{ id?, name, permissions?: bigint }] }], applicationId?, botUser?, ackTimeoutMs? = 3000,
 *   waitTimeoutMs? = 45000 (a safety net), tokenLifetimeMs? = 15 min, botPermissions?, heartbeatIntervalMs?,
 *   botToken? (when set, REST calls with another token get 401) });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 * await client.login('any-token');               // ready in well under a second
 * // ... at the end: await client.destroy(); await fake.stop();   (client first)
 * ```
 * `fake.apiUrl` ("http://127.0.0.1:PORT/api") is what the product reads from DISCORD_API_URL;
 * `fake.applicationId`, `fake.botUser` (user JSON), `fake.guild(id?)` (first guild by default)
 * give the ids to use.
 *
 * People: `fake.member({ guildId?, userId?, username?, permissions?: bigint, roles?: [id or name],
 * nick?, locale?, dmsClosed? }) -> FakeMember`. Without `permissions`, they come from @everyone + roles.
 *
 * The world changing under the bot (refused as Discord refuses, recorded in `requests`, no violation):
 * `fake.closeDms(userId)` (or `dmsClosed: true`): posts to their DM channel get 403, code 50007;
 * `fake.deleteChannel(channelId)`: CHANNEL_DELETE, then 404, code 10003 "Unknown Channel";
 * `fake.denyBotPermission(channelId, 'SendMessages' | 'ViewChannel')`: posts there get 403, code
 * 50013 "Missing Permissions" / 50001 "Missing Access".
 *
 * Interactions (each returns an {@link InteractionHandle}; member and guildId default to a
 * "student" in the first guild, channelId to its first text channel):
 * ```ts
 * const it = await fake.slashCommand({ guildId?, channelId?, member?, name: 'tip', subcommandGroup?,
 *   subcommand?: 'add', options?: { topic: 'nlp', model: fake.cdn.add('model.h5', bytes) } });
 * await it.response();               // first callback {type, data, files, afterMs}
 * await it.waitForMessage(pred?);    // original response once visible (reply, or defer + edit)
 * it.original; it.callbacks; it.edits; it.followUps; it.followUpEdits; it.rejected
 * await it.waitForFollowUp(pred?);
 * const choices = await fake.autocomplete({ ...sameAsSlashCommand, focused: { name: 'topic', value: 'ne' } });
 * const click = await fake.clickButton({ message, customId, member? });        // message: object or id
 * const pick = await fake.selectMenu({ message, customId, values, member? });
 * const submit = await fake.submitModal({ customId, fields: { title: '...' }, member?, guildId? });
 * ```
 * When the command was registered (PUT .../commands), option types, choices and required options
 * come from its definition and mistakes in the test throw; otherwise types are inferred
 * (string 3, integer 4, number 10, boolean 5, CDN attachment 11, FakeMember 6). A modal submit
 * mirrors the layout of the modal the bot showed (action rows or label components).
 *
 * What the bot did: `fake.channelMessages(channelId)` (POST /channels/:id/messages),
 * `fake.dmMessages(userId)` (DMs: POST /users/@me/channels creates or returns the DM channel),
 * `fake.message(id)`, `fake.fileBytes(attachment | id | url)` (uploaded bytes),
 * `fake.commands({ guildId? })`, `fake.memberRoles(guildId, userId)`, `fake.roleChanges`,
 * `fake.requests` (every REST request with its status).
 * CDN: `fake.cdn.add(filename, bytes, { contentType?, description? }) -> attachment JSON` whose
 * `url` serves the bytes from the fake.
 *
 * Rules checked (each a violation, `fake.violations: {method, path, reason, details?}[]`):
 * bodies against the OpenAPI schema (400, code 50035 "Invalid Form Body" with Discord's error
 * tree); interactions not acknowledged within `ackTimeoutMs` (later callbacks get 404, code 10062
 * "Unknown interaction"); double acknowledgements (400, code 40060); callback types invalid for the
 * interaction; edits or follow-ups before the acknowledgement; empty messages; unknown routes
 * (404 with a Discord-shaped body); REST calls without a bot token; gateway compression or
 * binary frames. A post with `enforce_nonce: true` and a nonce already used in that channel within
 * `nonceWindowMs` (5 minutes of the machine's clock) creates nothing: the answer is the first message.
 * `fake.assertNoViolations()` throws with a readable list;
 * `fake.takeViolations()` returns and clears them for tests that provoke one on purpose.
 *
 * Gateway: HELLO, READY (+ one GUILD_CREATE per guild), heartbeat ACKs, RESUME with replay of
 * missed dispatches; `waitForBot()` resolves once a client has identified. JSON text frames only.
 */
export {
  FakeDiscord,
  startFakeDiscord,
  InteractionType,
  CallbackType,
  DEFAULT_SPEC_PATH,
  BotChannelPermission,
  type BotChannelPermissionName,
  type FakeDiscordOptions,
  type Violation,
  type RecordedRequest,
  type CommandInput,
  type AutocompleteInput,
  type ComponentInput,
  type ModalInput,
  type OptionValue,
} from './fake-discord.ts';
export { guildIdOnShard, shardForGuild } from './gateway.ts';
export { InteractionHandle, hasVisibleContent, type RecordedCallback, type RecordedMessageWrite } from './interaction-handle.ts';
export type { FakeGuild, FakeMember, GuildInput, MemberInput, RoleInput, ChannelInput, UserInput, Json } from './model.ts';
export type { UploadedFile } from './request-body.ts';
