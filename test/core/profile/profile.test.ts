import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { learnFromTurns, NO_UPDATE } from '../../../src/core/profile/learning';
import { MAX_PROFILE_HISTORY, UserProfile } from '../../../src/core/profile/userProfile';
import type { ModelProvider } from '../../../src/core/retrieval/types';
import { tempDir } from '../../helpers';

function profileIn(dir = tempDir()): UserProfile {
  return new UserProfile(path.join(dir, 'profile.md'), path.join(dir, 'profile.db'));
}

/** A stand-in for the small model: answers what `answer` says, and keeps every prompt it was sent. */
function model(answer: (prompt: string, call: number) => string | Promise<string>): ModelProvider & { prompts: string[] } {
  const prompts: string[] = [];
  return { name: 'stand-in', prompts, complete: async (prompt) => answer(prompt, prompts.push(prompt) - 1) };
}

const PROFILE = '# User Profile\n\n## Role\n- Backend developer\n\n## Languages and tools\n- Python\n';
const LEARNED = `${PROFILE}- Rust (learning)\n`;

test('profile: a revised profile is written (user-only) and NO_UPDATE changes nothing; the model sees the profile and the turns', async () => {
  const profile = profileIn();
  assert.ok(profile.replace('', PROFILE, 'loaded'));
  const learner = model((_, call) => (call === 0 ? `\`\`\`markdown\n${LEARNED}\`\`\`` : ` "${NO_UPDATE}" `));
  assert.deepEqual(await learnFromTurns(profile, learner, ['I have started writing Rust at work.']), { status: 'updated' });
  assert.equal(profile.read(), LEARNED, 'the fence around the answer is not part of the profile');
  assert.match(learner.prompts[0], /<profile>\n# User Profile[\s\S]*- Python\n<\/profile>/);
  assert.match(learner.prompts[0], /<message 1>\nI have started writing Rust at work\.\n<\/message 1>/);
  assert.deepEqual(await learnFromTurns(profile, learner, ['what does parse() return?']), { status: 'unchanged' });
  assert.equal(profile.read(), LEARNED);
  const chatty = model(() => 'Sure! The user seems to like Rust.');
  assert.equal((await learnFromTurns(profile, chatty, ['I like Rust'])).status, 'skipped', 'chatter is not a profile');
  assert.equal(profile.read(), LEARNED);
  assert.equal(fs.statSync(profile.file).mode & 0o777, 0o600);
  assert.deepEqual([profile.status().lastChange?.source, profile.status().undoable], ['learned', 2]);
});

test('profile: turns the redactor flags are never sent, and a revision holding a secret is not written', async () => {
  const profile = profileIn();
  const learner = model(() => `${PROFILE}- Deploy key: ghp_${'a1B2c3D4e5'.repeat(4)}\n`);
  const secret = await learnFromTurns(profile, learner, ['my key is AKIAIOSFODNN7EXAMPLQ, keep it handy']);
  assert.equal(secret.status, 'skipped');
  assert.equal(learner.prompts.length, 0, 'nothing was sent');
  assert.equal((await learnFromTurns(profile, learner, ['I deploy with GitHub Actions'])).status, 'skipped');
  assert.equal(profile.read(), '');
});

test('profile: paused learning asks no model; undo goes back one change at a time, and history is bounded', async () => {
  const profile = profileIn();
  profile.setLearning(false);
  const learner = model(() => LEARNED);
  assert.deepEqual(await learnFromTurns(profile, learner, ['I use Rust']), { status: 'paused' });
  assert.equal(learner.prompts.length, 0);
  profile.setLearning(true);
  assert.equal(profile.status().learning, true);

  for (let i = 0; i < MAX_PROFILE_HISTORY + 5; i++) assert.ok(profile.replace(profile.read(), `# v${i}\n`, 'edited'));
  assert.equal(profile.status().undoable, MAX_PROFILE_HISTORY);
  assert.ok(profile.undo());
  assert.equal(profile.read(), `# v${MAX_PROFILE_HISTORY + 3}\n`);
  assert.equal(profile.replace('# stale read\n', '# lost\n', 'edited'), false, 'a replace of what is no longer there changes nothing');
  assert.equal(profile.read(), `# v${MAX_PROFILE_HISTORY + 3}\n`);
});

test('profile: a change made while the model was thinking is not lost: the model is asked again with it', async () => {
  const dir = tempDir();
  const mine = profileIn(dir);
  const other = profileIn(dir); // another window, its own connection
  mine.replace('', PROFILE, 'loaded');
  const learner = model(async (prompt, call) => {
    if (call === 0) assert.ok(other.replace(PROFILE, `${PROFILE}- Go\n`, 'learned'), 'the other window learns first');
    return prompt.includes('- Go') ? `${PROFILE}- Go\n- Rust\n` : `${PROFILE}- Rust\n`;
  });
  assert.deepEqual(await learnFromTurns(mine, learner, ['I write Rust now']), { status: 'updated' });
  assert.equal(learner.prompts.length, 2);
  assert.equal(mine.read(), `${PROFILE}- Go\n- Rust\n`, 'both changes are there');
});

test('profile: two processes changing it at once lose no change', async () => {
  const dir = tempDir();
  profileIn(dir).replace('', '0\n', 'loaded');
  const moduleFile = require.resolve('../../../src/core/profile/userProfile');
  // Each process adds one to the number in the profile, 25 times, each time with a fresh read.
  const script = `const { UserProfile } = require(${JSON.stringify(moduleFile)});
    const p = new UserProfile(${JSON.stringify(path.join(dir, 'profile.md'))}, ${JSON.stringify(path.join(dir, 'profile.db'))});
    for (let i = 0; i < 25; i++) { for (;;) { const seen = p.read(); if (p.replace(seen, (Number(seen) + 1) + '\\n', 'learned')) break; } }
    p.close();`;
  await Promise.all([0, 1].map(() => promisify(execFile)(process.execPath, ['-e', script])));
  assert.equal(profileIn(dir).read(), '50\n');
});
