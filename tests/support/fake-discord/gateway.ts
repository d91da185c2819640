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

export interface GatewayHooks {
  /** READY's payload for a new session (without session_id / resume_gateway_url). */
  readyPayload(): Json;
  /** Dispatches sent right after READY (one GUILD_CREATE per guild). */
  afterReady(): { t: string; d: Json }[];
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
}

/**
 * The gateway: JSON text frames only (no zlib, no etf). HELLO on connect, READY + GUILD_CREATEs on
 * IDENTIFY, ACK for every heartbeat, RESUME replays the dispatches the client missed.
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
            session = this.startSession(ws, payload.d);
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

  private startSession(ws: WebSocket, identify: Json): Session {
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, socket: ws, sent: [], identify };
    this.sessions.set(session.id, session);
    this.send(session, 'READY', {
      ...this.hooks.readyPayload(),
      session_id: session.id,
      resume_gateway_url: this.hooks.resumeGatewayUrl(),
      shard: identify.shard ?? [0, 1],
    });
    for (const event of this.hooks.afterReady()) this.send(session, event.t, event.d);
    for (const waiter of this.readyWaiters.splice(0)) waiter();
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

  /** Sends a dispatch to every connected session; returns how many received it. */
  dispatch(t: string, d: Json): number {
    const sessions = this.liveSessions();
    for (const session of sessions) this.send(session, t, d);
    return sessions.length;
  }

  /** Resolves once some client has identified (immediately if one already has). */
  waitForIdentify(timeoutMs: number): Promise<void> {
    if (this.liveSessions().length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no bot identified on the fake gateway within ${timeoutMs} ms`)), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
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
