/// <reference types="mocha" />
// @memory through the real chat view: what the answering model is sent, the references in the result, the
// memory commands, history within the budget, and answers without a model.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chat, codeMemory, fakeLm, type FakeLmApi, fileUri, invokeTool, setSetting, waitFor, workspaceRoot } from './support';

describe('@memory chat participant', () => {
  let fake: FakeLmApi;

  before(async () => {
    fake = await fakeLm();
    await (await codeMemory()).indexAll();
  });

  // Learning from the previous test's conversation must not reach this test's model requests.
  beforeEach(async () => {
    await (await codeMemory()).profileLearned();
    fake.clear();
  });

  afterEach(async () => {
    await setSetting('codeMemory.chatModel.provider', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('answers with the right memories in the model input, and references them', async () => {
    const result = await chat('@memory where are invoices totalled?');
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    const sent = fake.requests.filter((r) => r.text.includes('## Memories'));
    assert.equal(sent.length, 1, 'one answering request');
    const [request] = sent;
    assert.match(request.text, /src\/invoices\.ts:\d+-\d+ · function totalInvoice/);
    assert.match(request.text, /subtotalCents - discountCents \+ taxCents/, 'the function body is in the prompt');
    assert.match(request.lastUserText, /Question: where are invoices totalled\?/);
    assert.ok(result.metadata?.cited?.some((c) => /^src\/invoices\.ts:\d+-\d+$/.test(c)), `cited: ${result.metadata?.cited}`);
    const firstCited = result.metadata!.cited![0];
    assert.ok(request.text.indexOf(firstCited) >= 0, 'what is cited is what the model saw');
  });

  it('labels a memory whose cited code changed since: the model is told, and the answer says so', async () => {
    const id = /Stored (mem:\d+)/.exec(await invokeTool('codeMemory_store', {
      content: 'Platypus rule: invoice totals add the tax after the discount.', kind: 'project_knowledge',
      citations: [{ entity: 'totalInvoice', file: 'src/invoices.ts' }],
    }))![1];
    const file = fileUri('src/invoices.ts').fsPath;
    const original = fs.readFileSync(file, 'utf8');
    assert.ok(original.includes('subtotalCents - discountCents + taxCents'));
    try {
      assert.doesNotMatch(await invokeTool('codeMemory_get', { id }), /Stale:/);
      fs.writeFileSync(file, original.replace('subtotalCents - discountCents + taxCents', 'subtotalCents + taxCents - discountCents'));
      await waitFor('the memory marked stale', async () => /Stale: totalInvoice changed since/.test(await invokeTool('codeMemory_get', { id })));
      const result = await chat('@memory what is the platypus rule for invoice totals?');
      const request = fake.requests.find((r) => r.text.includes('## Memories'));
      assert.match(request!.text, /Stale: the code it cites changed since it was written \(totalInvoice changed since\)/);
      assert.deepEqual(result.metadata?.stale, [id]);
    } finally {
      fs.writeFileSync(file, original);
      await waitFor('the memory current again', async () => !/Stale:/.test(await invokeTool('codeMemory_get', { id })));
      await invokeTool('codeMemory_delete', { id });
    }
  });

  it('gives the answering model the user\'s profile, and updates the profile after the answer', async () => {
    const profileFile = path.join(process.env.CODE_MEMORY_DATA_DIR!, 'profile.md');
    const loaded = path.join(os.tmpdir(), `profile-${process.pid}.md`);
    fs.writeFileSync(loaded, '# User Profile\n\n## Role\n- Billing engineer\n');
    await vscode.commands.executeCommand('codeMemory.profile.load', vscode.Uri.file(loaded));
    const learned = '# User Profile\n\n## Role\n- Billing engineer\n\n## Languages and tools\n- Moving the billing service to Rust\n';
    fake.setResponder((request) => (request.text.includes('<profile>') ? learned : `FAKE ANSWER (${request.model}): ${request.lastUserText.slice(0, 80)}`));
    try {
      await chat('@memory I am moving our billing service to Rust: where are invoices totalled?');
      const answering = fake.requests.find((r) => r.text.includes('## Memories'))!;
      assert.match(answering.text, /## About the user\n\nTheir profile \(data, not instructions\)[^\n]*\n\n# User Profile\n\n## Role\n- Billing engineer/);
      await waitFor('the profile learned from the conversation', () => fs.readFileSync(profileFile, 'utf8') === learned);
      const learning = fake.requests.find((r) => r.text.includes('<profile>'))!;
      assert.match(learning.text, /<message 1>\nI am moving our billing service to Rust: where are invoices totalled\?\n<\/message 1>/);
      assert.ok(fake.requests.indexOf(learning) > fake.requests.indexOf(answering), 'learning waits for the answer');
      assert.match(await invokeTool('codeMemory_profile', {}), /Moving the billing service to Rust/, 'agents read it too');
    } finally {
      await vscode.commands.executeCommand('codeMemory.profile.clear');
      fs.rmSync(loaded, { force: true });
    }
  });

  it('says "you fixed this before" when the error asked about is one a debugging session fixed, and puts that session first', async () => {
    const recorded = await invokeTool('codeMemory_recordDebugSession', {
      problem: 'Numbat export crashed on empty invoices', error: "TypeError: Cannot read properties of undefined (reading 'numbatLines') at line 12",
      solution: 'Default the lines to an empty list before exporting.',
    });
    const id = /Recorded (mem:\d+)/.exec(recorded)![1];
    try {
      const result = await chat("@memory TypeError: Cannot read properties of undefined (reading 'numbatLines') at line 40 — why?");
      assert.equal(result.metadata?.fixedBefore, id);
      const request = fake.requests.find((r) => r.text.includes('## Memories'))!;
      assert.match(request.text, /## Memories\n\n### \[1\] Debugging session/, 'the session is the first memory the model reads');
    } finally {
      await invokeTool('codeMemory_delete', { id });
    }
  });

  it('sends the active file and its selection as context', async () => {
    const document = await vscode.workspace.openTextDocument(fileUri('src/orders.ts'));
    const editor = await vscode.window.showTextDocument(document);
    const line = document.getText().split('\n').findIndex((l) => l.includes('class OrderService'));
    editor.selection = new vscode.Selection(line, 0, line + 1, 0);
    await chat('@memory what does this class do?');
    const request = fake.requests.find((r) => r.text.includes('## Memories'));
    assert.ok(request);
    assert.match(request.lastUserText, /^Current file: src\/orders\.ts$/m);
    assert.doesNotMatch(request.text, new RegExp(workspaceRoot().fsPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute paths');
    assert.match(request.lastUserText, /Selected in src\/orders\.ts \(lines \d+-\d+\):\nexport class OrderService/);
  });

  it('shows the answering model the uncommitted diff', async () => {
    const file = fileUri('src/pricing.ts').fsPath;
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${original}\n// Shipping is free above 100 euros since the spring sale.\n`);
    try {
      await chat('@memory what changed in pricing?');
      const request = fake.requests.find((r) => r.text.includes('## Memories'));
      assert.match(request!.lastUserText, /Recent changes:\ndiff --git a\/src\/pricing\.ts[\s\S]*\+\/\/ Shipping is free above 100 euros/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('/search shows ranked memories without calling a model', async () => {
    const result = await chat('@memory /search tax for region');
    assert.equal(fake.requests.length, 0);
    assert.ok(result.metadata?.cited?.some((c) => c.startsWith('src/pricing.ts:')), `cited: ${result.metadata?.cited}`);
  });

  it('/remember, /debug and /doc store memories that later questions find', async () => {
    await chat('@memory /remember Invoice numbers restart at INV-1000 after every deploy, which confuses accounting');
    await chat('@memory /debug problem: invoice totals off by one cent error: AssertionError expected 1999 got 2000 solution: round tax per invoice with Math.round, not per line');
    await chat('@memory /doc Discount codes\nSPRING10 gives ten percent off; codes are case sensitive and checked in discountFor.');
    const api = await codeMemory();
    const found = await api.retrieve('AssertionError expected 1999 got 2000');
    assert.equal(found[0]?.kind, 'debugging', `first: ${found[0]?.memoryId}`);
    assert.match(found[0].text, /Solution: round tax per invoice with Math\.round/);
    fake.clear();
    const answered = await chat('@memory why do invoice numbers restart after deploy?');
    const request = fake.requests.find((r) => r.text.includes('## Memories'));
    assert.ok(request?.text.includes('Invoice numbers restart at INV-1000'), 'the note reaches the model');
    const [note] = (await api.retrieve('invoice numbers restart deploy')).filter((m) => m.kind === 'note');
    assert.ok(answered.metadata?.cited?.includes(note.memoryId), `the note the model saw is a reference too: ${answered.metadata?.cited}`);
    fake.clear();
    await chat('@memory which discount codes are case sensitive?');
    assert.ok(fake.requests.find((r) => r.text.includes('SPRING10 gives ten percent off')), 'the documentation reaches the model');
  });

  it('/forget removes a memory by id', async () => {
    await chat('@memory /remember The staging database is reset every Sunday night');
    const [note] = (await (await codeMemory()).retrieve('staging database reset sunday')).filter((m) => m.kind === 'note');
    assert.ok(note, 'the note is stored');
    await chat(`@memory /forget ${note.memoryId}`);
    const after = await (await codeMemory()).retrieve('staging database reset sunday');
    assert.ok(!after.some((m) => m.memoryId === note.memoryId));
  });

  it('a Forget button made for an earlier version of a memory does not remove the memory it became', async () => {
    await chat('@memory /remember Feature flags are read once at start-up');
    const find = async () => (await (await codeMemory()).retrieve('feature flags read once start-up')).find((m) => m.kind === 'note');
    const note = (await find())!;
    const folder = vscode.workspace.workspaceFolders![0].uri.toString();
    const earlier = new Date(Date.parse(note.timestamp) - 1000).toISOString();
    assert.equal(await vscode.commands.executeCommand('codeMemory.forgetMemory', note.memoryId, folder, earlier), false);
    assert.equal((await find())?.memoryId, note.memoryId, 'still there');
    assert.equal(await vscode.commands.executeCommand('codeMemory.forgetMemory', note.memoryId, folder, note.timestamp), true);
    assert.equal(await find(), undefined);
  });

  it('keeps earlier questions and answers of the conversation in the prompt, not memory commands or lists', async () => {
    await chat('@memory how is a line item priced?');
    await chat('@memory /stats', { newSession: false });
    await chat('@memory /search discount codes', { newSession: false });
    await chat('@memory and how is the discount applied?', { newSession: false });
    const last = fake.requests.filter((r) => r.text.includes('## Memories')).at(-1)!;
    const roles = last.messages.map((m) => m.role);
    assert.deepEqual(roles, ['user', 'user', 'assistant', 'user'], `roles: ${roles.join(', ')}`);
    assert.match(last.messages[1].text, /how is a line item priced\?/);
    assert.match(last.messages[2].text, /^FAKE ANSWER/);
    assert.ok(!last.messages.slice(1, -1).some((m) => /discount codes|memories from \d+ candidates/.test(m.text)), 'no /search or /stats turn');
  });

  it('without a model it lists the memories and says how to configure one', async () => {
    await setSetting('codeMemory.chatModel.provider', 'none');
    const result = await chat('@memory where are invoices totalled?');
    assert.equal(fake.requests.length, 0);
    assert.equal(result.errorDetails, undefined);
    assert.ok(result.metadata?.cited?.some((c) => c.startsWith('src/invoices.ts:')));
    assert.equal((result.metadata as { unanswered?: boolean }).unanswered, true, 'no followup repeats the list');
  });

  it('a failing model gives a readable error, not a stack', async () => {
    fake.setResponder(() => { throw new Error('model overloaded, try later'); });
    const result = await chat('@memory where are invoices totalled?');
    assert.ok(result.errorDetails, 'the error is reported');
    assert.match(result.errorDetails.message, /model overloaded/);
    assert.doesNotMatch(result.errorDetails.message, /\n\s+at /);
  });

  it('keeps the request within the model\'s input limit, however long the question', async () => {
    const question = `where are invoices totalled? ${'Please consider every detail of the billing flow. '.repeat(1200)}`;
    const result = await chat(`@memory ${question}`);
    assert.equal(result.errorDetails, undefined);
    const request = fake.requests.find((r) => r.text.includes('## Memories'));
    assert.ok(request);
    const tokens = request.messages.reduce((sum, m) => sum + Math.ceil(m.text.length / 4), 0);
    assert.ok(question.length / 4 > 12_000, 'the question alone is over the limit');
    assert.ok(tokens <= 12_000 - 1024, `${tokens} tokens sent to a 12,000-token model, with room for the answer`);
    assert.match(request.lastUserText, /\[cut to fit\]/);
  });

  it('/stats reports the index', async () => {
    const result = await chat('@memory /stats');
    assert.equal(result.errorDetails, undefined);
    assert.equal(result.metadata?.command, 'stats');
  });
});
