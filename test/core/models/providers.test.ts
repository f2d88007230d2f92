import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ModelError } from '../../../src/core/models/modelProvider';
import { createProvider, type ProviderKind } from '../../../src/core/models/providers';
import { ModelServer } from '../../modelServer';

const APIS: ProviderKind[] = ['openai', 'anthropic'];

for (const provider of APIS) {
  for (const stream of [false, true]) {
    test(`${provider} SDK (${stream ? 'streaming' : 'JSON'}): the prompt arrives and the answer comes back whole`, async () => {
      const server = await ModelServer.start((request) => `echo ${request.prompt.length}: ${'ü'.repeat(20)} [{"id":"m1"}]`);
      try {
        const baseURL = provider === 'openai' ? server.openaiURL : server.anthropicURL;
        const model = createProvider({ provider, model: 'small-model', baseURL, stream });
        const answer = await model.complete('score these memories', { maxTokens: 77, temperature: 0 });
        assert.equal(answer, `echo 20: ${'ü'.repeat(20)} [{"id":"m1"}]`);
        assert.equal(server.requests.length, 1);
        const [request] = server.requests;
        assert.equal(request.api, provider);
        assert.equal(request.stream, stream);
        assert.equal(request.body.model, 'small-model');
        assert.equal(request.body.temperature, 0);
        // A compatible server gets max_tokens; only OpenAI's own API gets max_completion_tokens.
        assert.equal(request.body.max_tokens, 77);
        assert.match(model.name, new RegExp(`^${provider}:small-model@http://127\\.0\\.0\\.1`));
      } finally {
        await server.close();
      }
    });
  }

  test(`${provider}: failures become one clear ModelError line, marked retryable or not`, async () => {
    const server = await ModelServer.start(() => 'unused');
    try {
      const baseURL = provider === 'openai' ? server.openaiURL : server.anthropicURL;
      const model = createProvider({ provider, baseURL, apiKey: 'sk-test-key' });
      const cases: [number, RegExp, boolean][] = [
        [429, /rate limiting requests \(429\): slow down/, true],
        [500, /server error \(500\): slow down/, true],
        [503, /server error \(503\)/, true],
        [401, /refused the API key \(401\)/, false],
        [404, /does not know model 'claude-haiku-4-5'|does not know model 'gpt-4o-mini'/, false],
        [400, /rejected the request \(400\)/, false],
      ];
      for (const [status, message, retryable] of cases) {
        server.script({ status, message: 'slow down', headers: { 'retry-after': '2' } });
        const error = await model.complete('x').then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof ModelError, `status ${status} gives a ModelError`);
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /\n/);
        assert.equal(error.retryable, retryable, `status ${status}`);
        if (retryable) assert.equal(error.retryAfterMs, 2000);
      }
      // The SDK's own retries are off: one request per call, so our retry policy is the only one.
      assert.equal(server.requests.length, cases.length);
    } finally {
      await server.close();
    }
  });

  test(`${provider}: a slow server times out, and cancellation stops a request in flight`, async () => {
    const server = await ModelServer.start(() => ({ delayMs: 5_000, text: 'late' }));
    try {
      const baseURL = provider === 'openai' ? server.openaiURL : server.anthropicURL;
      const slow = createProvider({ provider, baseURL, timeoutMs: 200 });
      const timeout = await slow.complete('x').then(() => undefined, (e: unknown) => e);
      assert.ok(timeout instanceof ModelError);
      assert.match(timeout.message, /did not answer in time/);
      assert.equal(timeout.retryable, true);

      const model = createProvider({ provider, baseURL });
      const controller = new AbortController();
      const started = Date.now();
      const pending = model.complete('x', { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(pending, { name: 'AbortError' });
      assert.ok(Date.now() - started < 2_000, 'cancellation does not wait for the answer');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(server.closedEarly, 2, 'both connections were closed before the answer');
    } finally {
      await server.close();
    }
  });
}

test('providers: no key and no local server is a clear error before any request', () => {
  const saved = { o: process.env.OPENAI_API_KEY, a: process.env.ANTHROPIC_API_KEY };
  delete process.env.OPENAI_API_KEY;
  delete process.env.ANTHROPIC_API_KEY;
  try {
    assert.throws(() => createProvider({ provider: 'openai' }), /no API key for openai: set OPENAI_API_KEY/);
    assert.throws(() => createProvider({ provider: 'anthropic' }), /no API key for anthropic: set ANTHROPIC_API_KEY/);
  } finally {
    if (saved.o !== undefined) process.env.OPENAI_API_KEY = saved.o;
    if (saved.a !== undefined) process.env.ANTHROPIC_API_KEY = saved.a;
  }
});

test('providers: an unreachable server is a retryable error that names it', async () => {
  const server = await ModelServer.start(() => 'x');
  const baseURL = server.openaiURL;
  await server.close();
  const model = createProvider({ provider: 'openai', baseURL });
  const error = await model.complete('x').then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ModelError);
  assert.match(error.message, /cannot reach http:\/\/127\.0\.0\.1:\d+\/v1: connection refused \(is the server running/);
  assert.equal(error.retryable, true);
});

test('providers: a reply that is not the API\'s, streamed or not, says so and names the server', async () => {
  const server = await ModelServer.start(() => ({ raw: '<html><body>502 Bad Gateway</body></html>' }));
  try {
    for (const provider of ['openai', 'anthropic'] as const) {
      const baseURL = provider === 'openai' ? server.openaiURL : server.anthropicURL;
      for (const stream of [false, true]) {
        const error = await createProvider({ provider, baseURL, apiKey: 'k', stream }).complete('x').then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof ModelError, `${provider} stream=${stream}: ${String(error)}`);
        assert.ok(error.message.startsWith(baseURL), error.message);
        assert.match(error.message, stream ? /sent no streamed answer/ : /sent a reply that is not the API's JSON/);
        assert.doesNotMatch(error.message, /connection failed|fetch failed/);
      }
    }
  } finally {
    await server.close();
  }
});
