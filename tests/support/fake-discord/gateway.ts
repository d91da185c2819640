import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Json } from './model.ts';

export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Which shard of `shardCount` receives a guild's events: Discord's `(guild_id >> 22) % num_shards`. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A guild id (snowflake) that falls on `shard` of `shardCount`, for tests that need a guild on each shard. */
export function guildIdOnShard(shard: number, shardCount: number): string {
  const timestamp = 300_000_000_000n;
  return String((timestamp - (timestamp % BigInt(shardCount)) + BigInt(shard)) << 22n);
}

/** Whether a session identified as `[shardId, shardCount]` receives the events of a guild (DMs: shard 0). */
type ServesGuild = (guildId: string | null) => boolean;

export interface GatewayHooks {
  /** READY's payload for a new session (without session_id / resume_gateway_url), with the guilds it serves. */
  readyPayload(serves: ServesGuild): Json;
  /** Dispatches sent right after READY (one GUILD_CREATE per guild the session serves). */
  afterReady(serves: ServesGuild): { t: string; d: Json }[];
  /** Every guild's id: a bot is online once live sessions serve them all. */
  guildIds(): string[];
  resumeGatewayUrl(): string;
  violation(reason: string): void;
}

interface Session {
  id: string;
  seq: number;
  socket: WebSocket | null;
  /** Dispatches sent in this session, kept so that a RESUME can replay what the client missed. */
  sent: { s: number; t: string; d: Json }[];
  identify: Json;
  /** `[shard_id, num_shards]` from IDENTIFY; `[0, 1]` when the client sent none. */
  shard: [number, number];
  serves: ServesGuild;
}

/**
 * The gateway: JSON text frames only (no zlib, no etf). HELLO on connect, READY + GUILD_CREATEs on
 * IDENTIFY, ACK for every heartbeat, RESUME replays the dispatches the client missed. Sessions are
 * sharded as at Discord: each gets the guilds, and the guild events, of its own shard only.
 */
export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();
  private readonly readyWaiters: (() => void)[] = [];

  constructor(
    private readonly hooks: GatewayHooks,
    private readonly heartbeatIntervalMs: number,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const query = new URL(req.url ?? '/', 'http://fake').searchParams;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      if (query.get('encoding') && query.get('encoding') !== 'json') {
        this.hooks.violation(`gateway: encoding "${query.get('encoding')}" requested; the fake speaks json only`);
        ws.close(4002, 'Unsupported encoding');
        return;
      }
      if (query.get('compress')) {
        this.hooks.violation(`gateway: compress=${query.get('compress')} requested; the fake sends uncompressed frames only`);
        ws.close(4000, 'Compression not supported');
        return;
      }
      let session: Session | null = null;
      ws.send(JSON.stringify({ op: GatewayOp.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ['fake-gateway'] }, s: null, t: null }));
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          this.hooks.violation('gateway: binary frame received; the fake expects JSON text frames');
          return;
        }
        let payload: Json;
        try {
          payload = JSON.parse(data.toString()) as Json;
        } catch {
          ws.close(4002, 'Decode error');
          return;
        }
        switch (payload.op) {
          case GatewayOp.Heartbeat:
            ws.send(JSON.stringify({ op: GatewayOp.HeartbeatAck, d: null, s: null, t: null }));
            break;
          case GatewayOp.Identify:
            if (session) {
              ws.close(4005, 'Already authenticated');
              return;
            }
            if (typeof payload.d?.token !== 'string' || payload.d.token.length === 0) {
              ws.close(4004, 'Authentication failed');
              return;
            }
            {
              const shard = (payload.d.shard ?? [0, 1]) as unknown;
              if (!isValidShard(shard)) {
                this.hooks.violation(`gateway: IDENTIFY with invalid shard ${JSON.stringify(shard)}`);
                ws.close(4010, 'Invalid shard');
                return;
              }
              session = this.startSession(ws, payload.d, shard);
            }
            break;
          case GatewayOp.Resume: {
            const previous = this.sessions.get(payload.d?.session_id);
            if (!previous) {
              ws.send(JSON.stringify({ op: GatewayOp.InvalidSession, d: false, s: null, t: null }));
              return;
            }
            session = previous;
            session.socket = ws;
            for (const missed of session.sent.filter((entry) => entry.s > Number(payload.d.seq ?? 0))) {
              ws.send(JSON.stringify({ op: GatewayOp.Dispatch, ...missed }));
            }
            this.send(session, 'RESUMED', {});
            break;
          }
          case GatewayOp.PresenceUpdate:
          case GatewayOp.VoiceStateUpdate:
          case GatewayOp.RequestGuildMembers:
            // Accepted and ignored: the fake has no presences, voice or member chunks.
            break;
          default:
            this.hooks.violation(`gateway: unknown opcode ${String(payload.op)}`);
        }
      });
      ws.on('close', () => {
        if (session && session.socket === ws) session.socket = null;
      });
    });
  }

  private startSession(ws: WebSocket, identify: Json, shard: [number, number]): Session {
    const [shardId, shardCount] = shard;
    const serves: ServesGuild = (guildId) => (guildId === null ? 0 : shardForGuild(guildId, shardCount)) === shardId;
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, socket: ws, sent: [], identify, shard, serves };
    this.sessions.set(session.id, session);
    this.send(session, 'READY', {
      ...this.hooks.readyPayload(serves),
      session_id: session.id,
      resume_gateway_url: this.hooks.resumeGatewayUrl(),
      shard,
    });
    for (const event of this.hooks.afterReady(serves)) this.send(session, event.t, event.d);
    for (const waiter of [...this.readyWaiters]) waiter();
    return session;
  }

  private send(session: Session, t: string, d: Json): void {
    session.seq += 1;
    const entry = { s: session.seq, t, d };
    session.sent.push(entry);
    session.socket?.send(JSON.stringify({ op: GatewayOp.Dispatch, ...entry }));
  }

  /** Sessions with a live connection. */
  private liveSessions(): Session[] {
    return [...this.sessions.values()].filter((session) => session.socket?.readyState === 1);
  }

  get connected(): boolean {
    return this.liveSessions().length > 0;
  }

  /** Whether a connected session serves the guild (null: DMs, which go to shard 0). */
  servesGuild(guildId: string | null): boolean {
    return this.liveSessions().some((session) => session.serves(guildId));
  }

  /** The shards (`[shard_id, num_shards]`) of the connected sessions that serve the guild. */
  shardsServing(guildId: string | null): [number, number][] {
    return this.liveSessions()
      .filter((session) => session.serves(guildId))
      .map((session) => session.shard);
  }

  /**
   * Sends a dispatch to the connected sessions of the guild's shard (null: no guild, shard 0);
   * returns how many received it.
   */
  dispatch(t: string, d: Json, guildId: string | null): number {
    const sessions = this.liveSessions().filter((session) => session.serves(guildId));
    for (const session of sessions) this.send(session, t, d);
    return sessions.length;
  }

  /** Whether connected sessions serve every guild (with no guilds: whether any session is connected). */
  private online(): boolean {
    return this.liveSessions().length > 0 && this.hooks.guildIds().every((id) => this.servesGuild(id));
  }

  /** Resolves once connected sessions serve every guild: with shards, once all of them have identified. */
  waitForIdentify(timeoutMs: number): Promise<void> {
    if (this.online()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!this.online()) return;
        this.readyWaiters.splice(this.readyWaiters.indexOf(waiter), 1);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.readyWaiters.splice(this.readyWaiters.indexOf(waiter), 1);
        const missing = this.hooks.guildIds().filter((id) => !this.servesGuild(id));
        reject(new Error(`no bot session serves ${missing.length > 0 ? `guilds ${missing.join(', ')}` : 'the fake gateway'} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.readyWaiters.push(waiter);
    });
  }

  /** Asks connected clients to reconnect (op 7), as Discord does before moving a session. */
  requestReconnect(): void {
    for (const session of this.liveSessions()) session.socket!.send(JSON.stringify({ op: GatewayOp.Reconnect, d: null, s: null, t: null }));
  }

  /** Drops every connection without a close frame, as a network failure would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

function isValidShard(shard: unknown): shard is [number, number] {
  if (!Array.isArray(shard) || shard.length !== 2) return false;
  const [id, count] = shard as unknown[];
  return Number.isInteger(id) && Number.isInteger(count) && (id as number) >= 0 && (count as number) > (id as number);
}
