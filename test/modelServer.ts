import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server on 127.0.0.1 that speaks the two chat APIs our providers use — OpenAI's
 * `POST /v1/chat/completions` and Anthropic's `POST /v1/messages`, as JSON or as server-sent events — so the
 * real SDKs run end to end. Only the model is fake: `answer` decides what it says.
 */
export interface ModelRequest {
  api: 'openai' | 'anthropic';
  prompt: string;
  stream: boolean;
  body: Record<string, unknown>;
  /** The credential the client sent (Authorization or x-api-key), to check which key went where. */
  credential: string;
}

/** What the server does with one request: answer with text, fail with a status, or answer late. */
export type Reply =
  | string
  | { status: number; message?: string; headers?: Record<string, string> }
  | { delayMs: number; text: string }
  /** A body that is not the API's JSON: the SDK must report it, not crash. */
  | { raw: string }
  /** Headers, then nothing: a server that hangs mid-answer. */
  | { stall: true }
  /** Part of a streamed answer, then the connection is cut. */
  | { cutAfter: string };

export class ModelServer {
  readonly requests: ModelRequest[] = [];
  /** Requests whose client went away before the answer was written (cancellation, timeouts). */
  closedEarly = 0;
  private readonly scripted: Reply[] = [];

  private constructor(private readonly server: http.Server, private readonly answer: (request: ModelRequest) => Reply) {}

  static async start(answer: (request: ModelRequest) => Reply): Promise<ModelServer> {
    let instance: ModelServer | undefined;
    const server = http.createServer((req, res) => void instance!.handle(req, res));
    instance = new ModelServer(server, answer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL for the OpenAI SDK (with /v1) … */
  get openaiURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** … and for the Anthropic SDK (without). */
  get anthropicURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Replies used, in order, before `answer` is asked again. */
  script(...replies: Reply[]): void {
    this.scripted.push(...replies);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let data = '';
    for await (const chunk of req) data += chunk;
    const api = req.url === '/v1/chat/completions' ? 'openai' : req.url === '/v1/messages' ? 'anthropic' : undefined;
    if (req.method !== 'POST' || !api) return this.fail(res, 'openai', 404, `no route ${req.method} ${req.url}`);
    const body = JSON.parse(data) as Record<string, unknown>;
    const messages = body.messages as { content: string | { text: string }[] }[];
    const prompt = messages.map((m) => (typeof m.content === 'string' ? m.content : m.content.map((c) => c.text).join(''))).join('\n');
    const credential = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '');
    const request: ModelRequest = { api, prompt, stream: body.stream === true, body, credential };
    this.requests.push(request);
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        this.closedEarly++;
      }
    });
    const reply = this.scripted.length ? this.scripted.shift()! : this.answer(request);
    if (typeof reply === 'object' && 'status' in reply) return this.fail(res, api, reply.status, reply.message ?? 'scripted failure', reply.headers);
    if (typeof reply === 'object' && 'raw' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply.raw);
      return;
    }
    if (typeof reply === 'object' && 'stall' in reply) {
      res.writeHead(200, { 'content-type': request.stream ? 'text/event-stream' : 'application/json' });
      res.write(request.stream ? ': keep-alive\n\n' : '{');
      return;
    }
    if (typeof reply === 'object' && 'cutAfter' in reply) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm',
        choices: [{ index: 0, delta: { content: reply.cutAfter }, finish_reason: null }] })}\n\n`);
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (typeof reply === 'object' && 'delayMs' in reply) {
      // Ends early when the client goes away, so no timer outlives the test.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, reply.delayMs);
        res.on('close', () => (clearTimeout(timer), resolve()));
      });
      if (closed) return;
    }
    const text = typeof reply === 'string' ? reply : reply.text;
    if (request.stream) this.stream(res, api, text);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(whole(api, text, String(body.model))));
  }

  private fail(res: http.ServerResponse, api: ModelRequest['api'], status: number, message: string, headers: Record<string, string> = {}): void {
    const body = api === 'openai' ? { error: { message, type: 'server_error', code: null } } : { type: 'error', error: { type: 'api_error', message } };
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  /** The answer in small pieces, as the APIs stream it. */
  private stream(res: http.ServerResponse, api: ModelRequest['api'], text: string): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const pieces = text.match(/[\s\S]{1,7}/g) ?? [];
    const send = (event: string | undefined, data: unknown) =>
      res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    if (api === 'openai') {
      const chunk = (delta: object, finish: string | null) => ({
        id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: 'test',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      send(undefined, chunk({ role: 'assistant', content: '' }, null));
      for (const piece of pieces) send(undefined, chunk({ content: piece }, null));
      send(undefined, chunk({}, 'stop'));
      send(undefined, '[DONE]');
    } else {
      send('message_start', { type: 'message_start', message: { id: 'msg_test', type: 'message', role: 'assistant', content: [],
        model: 'test', stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 0 } } });
      send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      for (const piece of pieces) send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } });
      send('content_block_stop', { type: 'content_block_stop', index: 0 });
      send('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } });
      send('message_stop', { type: 'message_stop' });
    }
    res.end();
  }
}

function whole(api: ModelRequest['api'], text: string, model: string): object {
  if (api === 'openai') {
    return {
      id: 'chatcmpl-test', object: 'chat.completion', created: 0, model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
  }
  return {
    id: 'msg_test', type: 'message', role: 'assistant', model, content: [{ type: 'text', text }],
    stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 },
  };
}
