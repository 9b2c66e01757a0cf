import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import querystring from 'node:querystring';

/**
 * A local stand-in for Slack's Web API (https://slack.com/api/…) and, optionally, its Socket Mode
 * WebSocket. It answers the methods the officers' bot uses, keeps the channel messages, modals and
 * Home tabs as Slack would show them, records every call, and refuses Block Kit that real Slack
 * refuses (sizes and counts from the Block Kit reference), so tests can fail for the right reasons.
 */

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  threadTs: string | undefined;
  /** Every earlier version, oldest first (chat.update keeps the ts). */
  previous: { text: string | undefined; blocks: unknown[] | undefined }[];
}

export interface FakeUser {
  id: string;
  email?: string;
  name?: string;
}

export interface FakeSlackOptions {
  port?: number;
  host?: string;
  /** When set, calls carrying another token get `invalid_auth`. */
  botToken?: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  users?: FakeUser[];
}

type Json = Record<string, unknown>;
type Answer = Json & { ok: boolean };

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly ephemerals: { channel: string; user: string; text: string | undefined; blocks: unknown[] | undefined }[] = [];
  readonly homeViews = new Map<string, Json>();
  readonly openedViews: Json[] = [];
  private readonly usedTriggers = new Set<string>();
  private readonly failures = new Map<string, string[]>();
  private seq = 0;
  private readonly sockets = new Set<Socket>();
  private ws: FakeSocketConnection | undefined;
  private wsWaiters: ((c: FakeSocketConnection) => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly opts: Required<Pick<FakeSlackOptions, 'teamId' | 'botUserId' | 'botId'>> & FakeSlackOptions,
    readonly url: string,
  ) {}

  /** Starts on `opts.port` (0 or absent: an ephemeral port). `url` ends with a slash, as Bolt needs. */
  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const server = http.createServer();
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSlack(
      server,
      { teamId: 'T0FAKE', botUserId: 'UBOT', botId: 'BBOT', ...opts },
      `http://${host}:${port}/api/`,
    );
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (req, res) => void fake.handle(req, res));
    server.on('upgrade', (req, socket) => fake.upgrade(req, socket as Socket));
    return fake;
  }

  async close(): Promise<void> {
    this.ws?.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next call of `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  lastCall(method: string): RecordedCall | undefined {
    return this.callsTo(method).at(-1);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.get(`${channel}:${ts}`);
  }

  /** Top-level messages and thread replies of a channel, in posting order. */
  messagesIn(channel: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel);
  }

  /** Forgets the recorded calls (not the messages), so a test step can assert only on its own calls. */
  clearCalls(): void {
    this.calls.length = 0;
    this.ephemerals.length = 0;
    this.openedViews.length = 0;
  }

  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const method = path.replace(/^\/api\//, '');
    const args = parseArgs(raw, req.headers['content-type'] ?? '');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    this.calls.push({ method, args, token });
    const answer = this.answer(method, args, token);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(answer));
  }

  private answer(method: string, args: Json, token: string | undefined): Answer {
    const queued = this.failures.get(method);
    if (queued && queued.length > 0) return { ok: false, error: queued.shift() as string };
    const expected = method === 'apps.connections.open' ? this.opts.appToken : this.opts.botToken;
    if (token === undefined) return { ok: false, error: 'not_authed' };
    if (expected !== undefined && token !== expected) return { ok: false, error: 'invalid_auth' };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.test/',
          team: 'Fake workspace',
          team_id: this.opts.teamId,
          user: 'coo-bot',
          user_id: this.opts.botUserId,
          bot_id: this.opts.botId,
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'chat.getPermalink': {
        const channel = str(args.channel);
        const ts = str(args.message_ts);
        if (!this.message(channel, ts)) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel, permalink: `https://fake.slack.test/archives/${channel}/p${ts.replace('.', '')}` };
      }
      case 'conversations.open': {
        const users = str(args.users).split(',').filter((u) => u !== '');
        if (users.length !== 1) return { ok: false, error: users.length === 0 ? 'users_list_not_supplied' : 'not_supported' };
        return { ok: true, channel: { id: dmChannel(users[0] as string) } };
      }
      case 'conversations.info':
        return { ok: true, channel: { id: str(args.channel), is_member: true } };
      case 'users.lookupByEmail': {
        const user = this.opts.users?.find((u) => u.email?.toLowerCase() === str(args.email).toLowerCase());
        return user ? { ok: true, user: { id: user.id, name: user.name, profile: { email: user.email } } } : { ok: false, error: 'users_not_found' };
      }
      case 'users.info': {
        const user = this.opts.users?.find((u) => u.id === str(args.user));
        return user ? { ok: true, user: { id: user.id, name: user.name } } : { ok: false, error: 'user_not_found' };
      }
      case 'views.open':
      case 'views.push':
        return this.openView(args);
      case 'views.update': {
        if (!args.view_id && !args.external_id) return { ok: false, error: 'invalid_arguments' };
        const problems = checkView(args.view, 'modal');
        if (problems.length > 0) return invalid(problems);
        return { ok: true, view: { ...(args.view as Json), id: str(args.view_id) } };
      }
      case 'views.publish': {
        const userId = str(args.user_id);
        if (userId === '') return { ok: false, error: 'invalid_arguments' };
        const problems = checkView(args.view, 'home');
        if (problems.length > 0) return invalid(problems);
        const view = { ...(args.view as Json), id: `VH${userId}` };
        this.homeViews.set(userId, view);
        return { ok: true, view };
      }
      case 'apps.connections.open': {
        const { port } = this.server.address() as AddressInfo;
        return { ok: true, url: `ws://${this.opts.host ?? '127.0.0.1'}:${port}/link/?ticket=${randomUUID()}` };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private postMessage(args: Json): Answer {
    let channel = str(args.channel);
    if (channel === '') return { ok: false, error: 'channel_not_found' };
    if (channel.startsWith('U') || channel.startsWith('W')) channel = dmChannel(channel);
    const problems = checkMessage(args);
    if (problems.length > 0) return invalid(problems);
    const threadTs = args.thread_ts === undefined ? undefined : str(args.thread_ts);
    if (threadTs !== undefined && !this.message(channel, threadTs)) return { ok: false, error: 'thread_not_found' };
    const ts = this.nextTs();
    const message: FakeMessage = {
      channel,
      ts,
      text: optStr(args.text),
      blocks: args.blocks as unknown[] | undefined,
      threadTs,
      previous: [],
    };
    this.messages.set(`${channel}:${ts}`, message);
    return { ok: true, channel, ts, message: { type: 'message', ts, text: message.text, blocks: message.blocks, bot_id: this.opts.botId } };
  }

  private update(args: Json): Answer {
    const channel = str(args.channel);
    const ts = str(args.ts);
    const message = this.message(channel, ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    const problems = checkMessage(args);
    if (problems.length > 0) return invalid(problems);
    message.previous.push({ text: message.text, blocks: message.blocks });
    message.text = optStr(args.text);
    message.blocks = args.blocks as unknown[] | undefined;
    return { ok: true, channel, ts, text: message.text };
  }

  private postEphemeral(args: Json): Answer {
    const channel = str(args.channel);
    const user = str(args.user);
    if (channel === '' || user === '') return { ok: false, error: channel === '' ? 'channel_not_found' : 'user_not_found' };
    const problems = checkMessage(args);
    if (problems.length > 0) return invalid(problems);
    this.ephemerals.push({ channel, user, text: optStr(args.text), blocks: args.blocks as unknown[] | undefined });
    return { ok: true, message_ts: this.nextTs() };
  }

  private openView(args: Json): Answer {
    const trigger = str(args.trigger_id);
    if (trigger === '') return { ok: false, error: 'invalid_arguments' };
    if (this.usedTriggers.has(trigger)) return { ok: false, error: 'expired_trigger_id' };
    this.usedTriggers.add(trigger);
    const problems = checkView(args.view, 'modal');
    if (problems.length > 0) return invalid(problems);
    this.seq += 1;
    const view = { ...(args.view as Json), id: `V${String(this.seq).padStart(8, '0')}`, hash: `${this.seq}.hash`, state: { values: {} } };
    this.openedViews.push(view);
    return { ok: true, view };
  }

  // ---- Socket Mode ----

  /** Resolves once a Socket Mode client has connected and received `hello`. */
  socketConnection(): Promise<FakeSocketConnection> {
    if (this.ws && !this.ws.closed) return Promise.resolve(this.ws);
    return new Promise((resolve) => this.wsWaiters.push(resolve));
  }

  private upgrade(req: http.IncomingMessage, socket: Socket): void {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string' || !req.url?.startsWith('/link/')) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const connection = new FakeSocketConnection(socket);
    this.ws = connection;
    connection.sendJson({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'AFAKE' } });
    for (const waiter of this.wsWaiters.splice(0)) waiter(connection);
  }
}

/**
 * The server side of one Socket Mode WebSocket (RFC 6455 framing, text frames only): sends
 * envelopes and resolves with the client's acknowledgement.
 */
export class FakeSocketConnection {
  closed = false;
  readonly received: Json[] = [];
  private buffer = Buffer.alloc(0);
  private readonly pendingAcks = new Map<string, (ack: Json) => void>();
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      clearInterval(this.pinger);
    });
    socket.on('error', () => undefined);
    this.pinger = setInterval(() => this.frame(0x9, Buffer.from('ping')), 10_000);
    this.pinger.unref();
  }

  /** Sends an envelope (`events_api`, `interactive`, `slash_commands`) and waits for its ack. */
  send(type: 'events_api' | 'interactive' | 'slash_commands', payload: Json, opts: { retryAttempt?: number } = {}): Promise<Json> {
    const envelopeId = randomUUID();
    const acked = new Promise<Json>((resolve) => this.pendingAcks.set(envelopeId, resolve));
    this.sendJson({
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: opts.retryAttempt ?? 0,
      retry_reason: '',
    });
    return acked;
  }

  sendJson(value: unknown): void {
    this.frame(0x1, Buffer.from(JSON.stringify(value)));
  }

  destroy(): void {
    clearInterval(this.pinger);
    this.socket.destroy();
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.closed) return;
    const len = payload.length;
    const header =
      len < 126
        ? Buffer.from([0x80 | opcode, len])
        : len < 65536
          ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
          : (() => {
              const h = Buffer.alloc(10);
              h[0] = 0x80 | opcode;
              h[1] = 127;
              h.writeBigUInt64BE(BigInt(len), 2);
              return h;
            })();
    this.socket.write(Buffer.concat([header, payload]));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const b0 = this.buffer[0] as number;
      const b1 = this.buffer[1] as number;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskLen = masked ? 4 : 0;
      if (this.buffer.length < offset + maskLen + len) return;
      const mask = this.buffer.subarray(offset, offset + maskLen);
      const payload = Buffer.from(this.buffer.subarray(offset + maskLen, offset + maskLen + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
      this.buffer = this.buffer.subarray(offset + maskLen + len);
      if (opcode === 0x1) this.onText(payload.toString('utf8'));
      else if (opcode === 0x9) this.frame(0xa, payload);
      else if (opcode === 0x8) {
        this.frame(0x8, payload.subarray(0, 2));
        this.closed = true;
        this.socket.end();
        return;
      }
    }
  }

  private onText(text: string): void {
    const message = JSON.parse(text) as Json;
    this.received.push(message);
    const id = message.envelope_id;
    if (typeof id === 'string') {
      this.pendingAcks.get(id)?.(message);
      this.pendingAcks.delete(id);
    }
  }
}

// ---- request parsing ----

/** Form bodies carry nested arguments (blocks, view) as JSON strings, as @slack/web-api sends them. */
function parseArgs(raw: string, contentType: string): Json {
  if (raw === '') return {};
  if (contentType.startsWith('application/json')) return JSON.parse(raw) as Json;
  const parsed = querystring.parse(raw);
  const args: Json = {};
  for (const [key, value] of Object.entries(parsed)) {
    const v = Array.isArray(value) ? value.join(',') : (value ?? '');
    args[key] = /^[[{]/.test(v) ? tryJson(v) : v;
  }
  return args;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function optStr(value: unknown): string | undefined {
  return value === undefined ? undefined : str(value);
}

function dmChannel(userId: string): string {
  return `D${userId.slice(1)}`;
}

function invalid(problems: string[]): Answer {
  return { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
}

// ---- Block Kit limits (https://docs.slack.dev/reference/block-kit) ----

type Surface = 'message' | 'modal' | 'home';

export function checkMessage(args: Json): string[] {
  const problems: string[] = [];
  const text = args.text;
  if (text === undefined && args.blocks === undefined) problems.push('no_text: text or blocks is required');
  if (typeof text === 'string' && text.length > 40_000) problems.push('msg_too_long [/text]');
  if (args.blocks !== undefined) problems.push(...checkBlocks(args.blocks, 'message'));
  return problems;
}

export function checkView(view: unknown, surface: 'modal' | 'home'): string[] {
  if (!isObj(view)) return ['view is required [/view]'];
  const problems: string[] = [];
  if (view.type !== surface) problems.push(`view type must be ${surface} [/view/type]`);
  if (surface === 'modal') {
    plainText(view.title, 24, '/view/title', problems, true);
    plainText(view.submit, 24, '/view/submit', problems, false);
    plainText(view.close, 24, '/view/close', problems, false);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) problems.push('a view with input blocks needs a submit button [/view/submit]');
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) {
    problems.push('must be less than 3001 characters [/view/private_metadata]');
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) problems.push('must be less than 256 characters [/view/callback_id]');
  problems.push(...checkBlocks(view.blocks, surface));
  return problems;
}

export function checkBlocks(blocks: unknown, surface: Surface): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks must be an array [/blocks]'];
  const max = surface === 'message' ? 50 : 100;
  if (blocks.length > max) problems.push(`no more than ${max} items allowed [/blocks]`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `/blocks/${i}`;
    if (!isObj(block)) {
      problems.push(`block must be an object [${at}]`);
      return;
    }
    if (block.block_id !== undefined) {
      const id = str(block.block_id);
      if (id.length > 255) problems.push(`must be less than 256 characters [${at}/block_id]`);
      if (blockIds.has(id)) problems.push(`duplicate block_id ${id} [${at}/block_id]`);
      blockIds.add(id);
    }
    switch (block.type) {
      case 'header':
        plainText(block.text, 150, `${at}/text`, problems, true);
        break;
      case 'section': {
        if (block.text === undefined && block.fields === undefined) problems.push(`must provide text or fields [${at}]`);
        if (block.text !== undefined) textObject(block.text, 3000, `${at}/text`, problems);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length > 10) problems.push(`no more than 10 fields allowed [${at}/fields]`);
          else block.fields.forEach((f, j) => textObject(f, 2000, `${at}/fields/${j}`, problems));
        }
        if (block.accessory !== undefined) element(block.accessory, `${at}/accessory`, problems, surface);
        break;
      }
      case 'context': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
          problems.push(`must have 1 to 10 elements [${at}/elements]`);
        } else {
          elements.forEach((e, j) => {
            if (isObj(e) && e.type === 'image') return;
            textObject(e, 3000, `${at}/elements/${j}`, problems);
          });
        }
        break;
      }
      case 'actions': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
          problems.push(`must have 1 to 25 elements [${at}/elements]`);
        } else {
          const actionIds = new Set<string>();
          elements.forEach((e, j) => {
            element(e, `${at}/elements/${j}`, problems, surface);
            const id = isObj(e) ? str(e.action_id) : '';
            if (id !== '' && actionIds.has(id)) problems.push(`duplicate action_id ${id} [${at}/elements/${j}]`);
            actionIds.add(id);
          });
        }
        break;
      }
      case 'divider':
        break;
      case 'input': {
        if (surface === 'message') problems.push(`input blocks are not allowed in messages [${at}]`);
        plainText(block.label, 2000, `${at}/label`, problems, true);
        if (block.hint !== undefined) plainText(block.hint, 2000, `${at}/hint`, problems, true);
        element(block.element, `${at}/element`, problems, surface);
        break;
      }
      default:
        problems.push(`unsupported block type ${str(block.type)} [${at}/type]`);
    }
  });
  return problems;
}

function element(value: unknown, at: string, problems: string[], surface: Surface): void {
  if (!isObj(value)) {
    problems.push(`element must be an object [${at}]`);
    return;
  }
  if (value.action_id !== undefined && str(value.action_id).length > 255) problems.push(`must be less than 256 characters [${at}/action_id]`);
  switch (value.type) {
    case 'button': {
      plainText(value.text, 75, `${at}/text`, problems, true);
      if (value.value !== undefined && str(value.value).length > 2000) problems.push(`must be less than 2001 characters [${at}/value]`);
      if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') problems.push(`invalid style [${at}/style]`);
      if (value.confirm !== undefined) {
        const c = value.confirm;
        if (!isObj(c)) problems.push(`confirm must be an object [${at}/confirm]`);
        else {
          plainText(c.title, 100, `${at}/confirm/title`, problems, true);
          textObject(c.text, 300, `${at}/confirm/text`, problems);
          plainText(c.confirm, 30, `${at}/confirm/confirm`, problems, true);
          plainText(c.deny, 30, `${at}/confirm/deny`, problems, true);
        }
      }
      break;
    }
    case 'plain_text_input': {
      if (surface === 'message') problems.push(`plain_text_input is not allowed in messages [${at}]`);
      const min = value.min_length;
      const max = value.max_length;
      if (typeof max === 'number' && (max < 1 || max > 3000)) problems.push(`max_length must be 1 to 3000 [${at}/max_length]`);
      if (typeof min === 'number' && (min < 0 || min > 3000)) problems.push(`min_length must be 0 to 3000 [${at}/min_length]`);
      if (typeof min === 'number' && typeof max === 'number' && min > max) problems.push(`min_length exceeds max_length [${at}]`);
      if (value.placeholder !== undefined) plainText(value.placeholder, 150, `${at}/placeholder`, problems, true);
      break;
    }
    case 'checkboxes': {
      const options = value.options;
      if (!Array.isArray(options) || options.length === 0 || options.length > 10) {
        problems.push(`must have 1 to 10 options [${at}/options]`);
      } else {
        options.forEach((o, j) => {
          if (!isObj(o)) return problems.push(`option must be an object [${at}/options/${j}]`);
          textObject(o.text, 75, `${at}/options/${j}/text`, problems);
          if (str(o.value).length === 0 || str(o.value).length > 150) problems.push(`value must be 1 to 150 characters [${at}/options/${j}/value]`);
          return undefined;
        });
      }
      break;
    }
    default:
      problems.push(`unsupported element type ${str(value.type)} [${at}/type]`);
  }
}

function textObject(value: unknown, max: number, at: string, problems: string[]): void {
  if (!isObj(value) || (value.type !== 'mrkdwn' && value.type !== 'plain_text')) {
    problems.push(`must be a text object [${at}]`);
    return;
  }
  const text = str(value.text);
  if (text.length === 0) problems.push(`must be more than 0 characters [${at}/text]`);
  if (text.length > max) problems.push(`must be less than ${max + 1} characters [${at}/text]`);
}

function plainText(value: unknown, max: number, at: string, problems: string[], required: boolean): void {
  if (value === undefined) {
    if (required) problems.push(`is required [${at}]`);
    return;
  }
  if (!isObj(value) || value.type !== 'plain_text') {
    problems.push(`must be a plain_text object [${at}]`);
    return;
  }
  textObject(value, max, at, problems);
}

function isObj(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
