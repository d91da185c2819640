import { EventEmitter } from 'node:events';
import type { Json } from './model.ts';
import type { UploadedFile } from './request-body.ts';

/** An interaction callback the bot sent (`POST /interactions/:id/:token/callback`). */
export interface RecordedCallback {
  /** 4 reply, 5 deferred reply, 6 deferred update, 7 update message, 8 autocomplete result, 9 modal. */
  type: number;
  data: Json | undefined;
  files: UploadedFile[];
  /** Milliseconds between the INTERACTION_CREATE dispatch and the callback. */
  afterMs: number;
}

/** A message edit (`PATCH .../messages/@original` or `.../messages/:id`) or a follow-up. */
export interface RecordedMessageWrite {
  /** The request body (JSON, or a multipart body's payload_json). */
  body: Json;
  /** Files uploaded with it, bytes included. */
  files: UploadedFile[];
  /** The message as it stood after this write. */
  message: Json;
}

export interface InteractionMeta {
  id: string;
  token: string;
  type: number;
  /** A readable name for messages: `/tip add`, `button quiz:next`, `modal tip-form`. */
  label: string;
  payload: Json;
}

/**
 * Everything the bot answered to one interaction, recorded as it arrives, with waits that fail
 * with a readable message instead of hanging the test.
 */
export class InteractionHandle {
  readonly id: string;
  readonly token: string;
  readonly type: number;
  readonly label: string;
  /** The INTERACTION_CREATE payload the bot received. */
  readonly payload: Json;
  readonly callbacks: RecordedCallback[] = [];
  /** Every edit of the original response, in order. */
  readonly edits: RecordedMessageWrite[] = [];
  /** Every follow-up message (`POST /webhooks/:app/:token`), in order. */
  readonly followUps: RecordedMessageWrite[] = [];
  /** Edits of follow-up messages (`PATCH /webhooks/:app/:token/messages/:id`). */
  readonly followUpEdits: RecordedMessageWrite[] = [];
  /** Requests on this interaction that Discord refused, with the status they got. */
  readonly rejected: { method: string; path: string; status: number; body: Json }[] = [];
  /** The shards (`[shard_id, num_shards]`) whose sessions received it: the guild's shard. */
  shards: [number, number][] = [];
  private readonly events = new EventEmitter();
  private originalMessage: Json | null = null;

  constructor(
    meta: InteractionMeta,
    private readonly defaultTimeoutMs: number,
    private readonly diagnostics: () => string,
  ) {
    this.id = meta.id;
    this.token = meta.token;
    this.type = meta.type;
    this.label = meta.label;
    this.payload = meta.payload;
    this.events.setMaxListeners(0);
  }

  /** The original response message as it stands now (null before a reply or defer, or after deletion). */
  get original(): Json | null {
    return this.originalMessage;
  }

  get acknowledged(): boolean {
    return this.callbacks.length > 0;
  }

  /** Resolves with the first callback (reply, defer, update, modal, autocomplete result). */
  response(timeoutMs = this.defaultTimeoutMs): Promise<RecordedCallback> {
    return this.waitFor(() => this.callbacks[0], timeoutMs, 'no interaction callback (reply, defer, update or modal)');
  }

  /**
   * Resolves with the original response message once it satisfies `predicate`; by default once it
   * has something to show (content, embeds, components or attachments) and is no longer loading,
   * i.e. after a reply, or after a defer followed by an edit.
   */
  waitForMessage(predicate: (message: Json) => boolean = hasVisibleContent, timeoutMs = this.defaultTimeoutMs): Promise<Json> {
    return this.waitFor(
      () => (this.originalMessage && predicate(this.originalMessage) ? this.originalMessage : undefined),
      timeoutMs,
      'the original response never matched (it needs content/embeds/components/attachments and no loading flag by default)',
    );
  }

  /** Resolves with the first follow-up matching `predicate` (any follow-up by default). */
  waitForFollowUp(predicate: (write: RecordedMessageWrite) => boolean = () => true, timeoutMs = this.defaultTimeoutMs): Promise<RecordedMessageWrite> {
    return this.waitFor(() => this.followUps.find(predicate), timeoutMs, 'no matching follow-up message');
  }

  /** Resolves once `check` returns a value other than undefined, re-checking after every change on this interaction. */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const immediate = check();
    if (immediate !== undefined) return Promise.resolve(immediate);
    return new Promise<T>((resolve, reject) => {
      const onChange = () => {
        const value = check();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.label} (interaction ${this.id}): ${what} within ${timeoutMs} ms.\n${this.summary()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
    });
  }

  /** What happened on this interaction so far, for failure messages. */
  summary(): string {
    const lines = [
      `callbacks: ${this.callbacks.map((callback) => `type ${callback.type} after ${callback.afterMs} ms`).join(', ') || 'none'}`,
      `edits: ${this.edits.length}, follow-ups: ${this.followUps.length}`,
    ];
    if (this.rejected.length) lines.push(`refused: ${this.rejected.map((r) => `${r.method} ${r.path} -> ${r.status} ${JSON.stringify(r.body)}`).join('; ')}`);
    const extra = this.diagnostics();
    if (extra) lines.push(extra);
    return lines.join('\n');
  }

  /** @internal Called by the fake as requests arrive. */
  record(change: { callback?: RecordedCallback; edit?: RecordedMessageWrite; followUp?: RecordedMessageWrite; followUpEdit?: RecordedMessageWrite; original?: Json | null; rejected?: InteractionHandle['rejected'][number] }): void {
    if (change.callback) this.callbacks.push(change.callback);
    if (change.edit) this.edits.push(change.edit);
    if (change.followUp) this.followUps.push(change.followUp);
    if (change.followUpEdit) this.followUpEdits.push(change.followUpEdit);
    if (change.rejected) this.rejected.push(change.rejected);
    if (change.original !== undefined) this.originalMessage = change.original;
    this.events.emit('change');
  }
}

export function hasVisibleContent(message: Json): boolean {
  if ((message.flags ?? 0) & 128) return false;
  return Boolean(message.content) || message.embeds?.length > 0 || message.components?.length > 0 || message.attachments?.length > 0;
}
