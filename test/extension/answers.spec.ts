/// <reference types="mocha" />
// Receipts: each @memory answer and each agent's search keeps what it was given; the Answers view shows them by
// conversation, searchable, and an answer can become a memory.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MEMORY_KINDS, type MemoryKind } from '../../src/core/memories/model';
import { chat, codeMemory, fakeLm, invokeTool, waitFor } from './support';

/** The memories of a prompt as the model read them: each `### [n] path:lines · what` header's location. */
function promptMemories(text: string): string[] {
  return [...text.matchAll(/^### \[\d+\] ([^\s·]+)/gm)].map((m) => m[1]);
}

describe('answers and their receipts', () => {
  let api: Awaited<ReturnType<typeof codeMemory>>;

  before(async () => {
    api = await codeMemory();
    await api.indexAll();
    await vscode.commands.executeCommand('codeMemory.answers.clear', true);
    await vscode.commands.executeCommand('workbench.view.extension.codeMemory');
  });

  it('an @memory answer\'s receipt lists exactly the memories the model received, in its thread', async () => {
    const fake = await fakeLm();
    fake.clear();
    const first = await chat('@memory where are invoices totalled?');
    assert.equal(first.errorDetails, undefined, first.errorDetails?.message);
    await chat('@memory and how is the discount applied?', { newSession: false });
    const [request] = fake.requests.filter((r) => r.text.includes('## Memories') && r.lastUserText.includes('discount'));
    const receipt = await waitFor('the receipt of the second answer', () => api.receipts().find((r) => r.question === 'and how is the discount applied?'));
    assert.equal(receipt.origin, 'chat');
    assert.equal(receipt.thread, 'where are invoices totalled?', 'the conversation is named by its first question');
    assert.equal(receipt.model, 'Fake Large');
    assert.match(receipt.answer ?? '', /^FAKE ANSWER \(fake-large\)/);
    // No scoring model here: the answer is the one call, and its prompt is what the fake model counted.
    assert.equal(receipt.modelCalls, 1);
    assert.equal(receipt.promptTokens, request.messages.reduce((n, m) => n + Math.ceil(m.text.length / 4), 0));
    type Item = (typeof receipt.used)[number];
    const where = (i: Item) => (i.file ? (i.startLine ? `${i.file}:${i.startLine}-${i.endLine}` : i.file) : i.id);
    // A prompt heads a memory without a file by its kind.
    const headed = (i: Item) => (i.file ? where(i) : MEMORY_KINDS[i.kind as MemoryKind].label.split(' ')[0]);
    assert.deepEqual(receipt.used.map(headed), promptMemories(request.text), 'the receipt names what the prompt held, in order');
    assert.ok(receipt.used.length > 0);
    for (const item of receipt.used) assert.ok(item.parts.base >= 0 && item.score > 0 && item.reasoning, JSON.stringify(item));

    const tree = await api.answersTree();
    const thread = tree.find((group) => group.label === 'where are invoices totalled?');
    assert.ok(thread, tree.map((g) => g.label).join(', '));
    assert.match(thread.description ?? '', /^2 answers · /);
    const answer = thread.children!.find((r) => r.label === 'and how is the discount applied?')!;
    assert.equal(answer.contextValue, 'receipt.answered');
    assert.match(answer.tooltip ?? '', /FAKE ANSWER/);
    const usedItems = answer.children!.filter((child) => !child.children);
    assert.deepEqual(usedItems.map((item) => item.description?.split(' · ')[0]), receipt.used.map(where));
    assert.match(usedItems[0].description!, / · \d\.\d\d = \d\.\d\d (words|model)/, 'the score and its parts');
  });

  it('an agent\'s search leaves a receipt too; answers are searched and cleared; an answer can be remembered', async () => {
    await invokeTool('codeMemory_search', { query: 'which function applies the discount to an order' });
    const search = await waitFor('the agent search receipt', () => api.receipts().find((r) => r.origin === 'agent'));
    assert.equal(search.answer, undefined);
    assert.ok((await api.answersTree()).some((group) => group.label === 'Searches by agents in VS Code'));

    await vscode.commands.executeCommand('codeMemory.answers.search', 'discount applied');
    assert.deepEqual((await api.answersTree()).flatMap((g) => g.children!.map((r) => r.label)), ['and how is the discount applied?']);
    await vscode.commands.executeCommand('codeMemory.answers.search', 'no such words here');
    assert.deepEqual(await api.answersTree(), []);
    await vscode.commands.executeCommand('codeMemory.answers.clearSearch');

    const answered = api.receipts().find((r) => r.question === 'and how is the discount applied?')!;
    const id = await vscode.commands.executeCommand<string>('codeMemory.answers.remember', answered.id);
    assert.match(id ?? '', /^mem:\d+$/);
    const memory = await invokeTool('codeMemory_get', { id });
    assert.match(memory, /Conversation \(workspace\)/);
    assert.match(memory, /Question: and how is the discount applied\?\n\nAnswer: FAKE ANSWER/);

    assert.ok(await vscode.commands.executeCommand<number>('codeMemory.answers.clear', true));
    assert.deepEqual(api.receipts(), []);
  });
});
