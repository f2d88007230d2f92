import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { redactSecrets, redactValues, shannonEntropy } from '../../../src/core/text/redact';

// Secrets are assembled at run time from a seeded generator: the test file itself holds no credential a
// scanner would flag, and every case is a well-formed instance of its format.
let seed = 7;
function random(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out += alphabet[Math.floor(seed / 65536) % alphabet.length];
  }
  return out;
}
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
const ALNUM = UPPER + LOWER + DIGITS;
const B64 = ALNUM + '+/';
const URLSAFE = ALNUM + '_-';
/** At least one digit, as every generated key of these formats has. */
const alnum = (n: number) => random(ALNUM, n - 1) + random(DIGITS, 1);

/** [format, the text as a user would paste it, the secret that must not survive]. */
const CASES: [string, string, string][] = [];
const add = (format: string, secret: string, around = (s: string) => `value: ${s} (from the logs)`) =>
  CASES.push([format, around(secret), secret]);

const pem = `MIIEow${random(B64, 60)}\n${random(B64, 64)}\n${random(B64, 40)}==`;
add('RSA private key', pem, (s) => `key:\n-----BEGIN RSA PRIVATE KEY-----\n${s}\n-----END RSA PRIVATE KEY-----\nthen`);
add('OpenSSH private key', pem, (s) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${s}\n-----END OPENSSH PRIVATE KEY-----`);
add('PEM block cut before its end', pem, (s) => `-----BEGIN PRIVATE KEY-----\n${s}`);
add('PEM block inside JSON text', pem.replace(/\n/g, '\\n'), (s) => `{"key": "-----BEGIN EC PRIVATE KEY-----\\n${s}"}`);
add('AWS access key id', `AKIA${random(UPPER + DIGITS, 16)}`);
add('AWS secret access key', random(B64, 40), (s) => `aws_secret_access_key = ${s}`);
add('AWS secret access key (JSON)', random(B64, 40), (s) => `{"SecretAccessKey": "${s}"}`);
add('GitHub token', `ghp_${alnum(36)}`);
add('GitHub fine-grained token', `github_pat_${alnum(22)}_${alnum(59)}`);
add('GitLab token', `glpat-${random(URLSAFE, 20)}`);
add('GitLab runner token', `glrt-${random(URLSAFE, 20)}`);
add('OpenAI key', `sk-proj-${random(URLSAFE, 40)}${random(DIGITS, 2)}`);
add('Anthropic key', `sk-ant-api03-${random(URLSAFE, 93)}AA`);
add('Stripe secret key', `sk_live_${alnum(24)}`);
add('Stripe restricted key', `rk_live_${alnum(24)}`);
add('Stripe webhook secret', `whsec_${alnum(32)}`);
add('Slack bot token', `xoxb-${random(DIGITS, 12)}-${random(DIGITS, 12)}-${alnum(24)}`);
add('Slack webhook', `https://hooks.slack.com/services/T${random(UPPER, 8)}/B${random(UPPER, 8)}/${alnum(24)}`);
add('Google API key', `AIza${random(URLSAFE, 35)}`);
add('Google OAuth client secret', `GOCSPX-${random(URLSAFE, 28)}`);
add('JWT', `eyJ${random(URLSAFE, 20)}.eyJ${random(URLSAFE, 40)}.${random(URLSAFE, 43)}`);
add('PyPI token', `pypi-AgEIcHlwaS5vcmc${random(URLSAFE, 70)}`);
add('npm token', `npm_${alnum(36)}`);
add('PostgreSQL URL password', 'S3cr3t-Pass', (s) => `DATABASE_URL=postgres://admin:${s}@db.internal:5432/app`);
add('MongoDB SRV URL password', 'hunter2pw', (s) => `mongodb+srv://app:${s}@cluster0.abcde.mongodb.net/test`);
add('Basic authorization header', Buffer.from(`deploy:${alnum(12)}`).toString('base64'), (s) => `Authorization: Basic ${s}`);
add('Bearer token', alnum(40), (s) => `curl -H "Authorization: Bearer ${s}"`);
add('Azure storage account key', `${random(B64, 86)}==`, (s) => `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${s};EndpointSuffix=core.windows.net`);
add('Azure Service Bus key', `${random(B64, 43)}=`, (s) => `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${s}`);
add('Azure SAS signature', `${random(ALNUM, 40)}%3D`, (s) => `https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=${s}`);
add('Azure AD client secret', `${random(ALNUM, 3)}8Q~${random(URLSAFE, 34)}`);
add('Twilio API key', `SK${random(HEX, 32)}`);
add('SendGrid key', `SG.${random(URLSAFE, 22)}.${random(URLSAFE, 43)}`);
add('Hugging Face token', `hf_${alnum(34)}`);
add('Discord bot token', `MT${alnum(24)}.${random(URLSAFE, 6)}.${random(URLSAFE, 30)}${random(DIGITS, 2)}`);
add('Discord webhook', `https://discord.com/api/webhooks/${random(DIGITS, 18)}/${random(URLSAFE, 68)}`);
add('DigitalOcean token', `dop_v1_${random(HEX, 64)}`);
add('Datadog application key', random(HEX, 40), (s) => `DD_APP_KEY=${s}`);
add('Datadog API key', random(HEX, 32), (s) => `datadog_api_key: "${s}"`);
add('Shopify token', `shpat_${random(HEX, 32)}`);
add('Mailchimp key', `${random(HEX, 32)}-us14`);
add('Mailgun key', `key-${random(HEX, 32)}`);
add('Square token', `sq0atp-${random(URLSAFE, 22)}`);
add('Telegram bot token', `${random(DIGITS, 10)}:AA${random(URLSAFE, 33)}`);
add('Atlassian token', `ATATT3${random(URLSAFE, 186)}`);
add('Linear key', `lin_api_${alnum(40)}`);
add('Notion token', `ntn_${alnum(46)}`);
add('Grafana token', `glsa_${alnum(32)}_${random(HEX, 8)}`);
add('Vault token', `hvs.${random(URLSAFE, 90)}`);
add('Doppler token', `dp.pt.${alnum(43)}`);
add('Postman key', `PMAK-${random(HEX, 24)}-${random(HEX, 34)}`);
add('Sentry token', `sntrys_${random(B64, 60)}`);
add('Groq key', `gsk_${alnum(52)}`);
add('age secret key', `AGE-SECRET-KEY-1${random('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`);
add('Databricks token', `dapi${random(HEX, 32)}`);
add('Docker token', `dckr_pat_${random(URLSAFE, 27)}`);
add('Replicate token', `r8_${alnum(37)}`);
add('Pulumi token', `pul-${random(HEX, 40)}`);
add('password assignment', 'Tr0ub4dor&3', (s) => `password=${s}`);
add('password in JSON', 'hunter2', (s) => `{"db_password": "${s}", "host": "db"}`);
add('passphrase with spaces', 'correct horse battery staple', (s) => `passphrase = "${s}"`);
add('client secret in YAML', alnum(20), (s) => `  clientSecret: ${s}`);
add('Go short assignment', 'letmein-2024', (s) => `apiKey := "${s}"`);
add('high entropy .env value', random(B64, 32), (s) => `SIGNING_SALT=${s}`);
add('high entropy JSON value', random(URLSAFE, 40), (s) => `{"webhookSigningValue": "${s}"}`);

test(`redaction: every one of ${CASES.length} credential formats is removed, with a marker left in its place`, () => {
  assert.ok(CASES.length >= 60);
  for (const [format, text, secret] of CASES) {
    const out = redactSecrets(text);
    assert.ok(!out.includes(secret), `${format}: the secret survived in ${JSON.stringify(out)}`);
    assert.match(out, /\[redacted/, `${format}: no marker in ${JSON.stringify(out)}`);
  }
});

test('redaction: the text around a secret stays readable', () => {
  const url = redactSecrets('DATABASE_URL=postgres://admin:S3cr3t-Pass@db.internal:5432/app');
  assert.equal(url, 'DATABASE_URL=postgres://admin:[redacted password]@db.internal:5432/app');
  const azure = redactSecrets(`AccountName=acct;AccountKey=${random(B64, 86)}==;EndpointSuffix=core.windows.net`);
  assert.equal(azure, 'AccountName=acct;AccountKey=[redacted Azure key];EndpointSuffix=core.windows.net');
  assert.equal(redactSecrets('{"db_password": "hunter2", "host": "db"}'), '{"db_password": "[redacted]", "host": "db"}');
  // An escaped line break ends the value: the next label is not swallowed.
  assert.equal(redactSecrets('password=hunter22\\nSolution: restart the pool'), 'password=[redacted]\\nSolution: restart the pool');
  assert.equal(redactSecrets(`key ${`ghp_${alnum(36)}`} expired`), 'key [redacted GitHub token] expired');
});

test('redaction: code that names a secret without holding one is left as it is', () => {
  const code = [
    'function login(user: string, password: string): Promise<Session> {',
    '  const passwordHash = hashPassword(password);',
    '  if (password === confirmation) return check(passwordHash);',
    '  const token = req.body.access_token;',
    '}',
    'def connect(password: Optional[str] = None, api_key=None):',
    '    secret = os.environ.get("SECRET")',
    'password := os.Getenv("PW")',
    'const COMMIT = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3";',
    'NotificationServiceFactory.create.withDefaultConfigurationOptions();',
    'const version = "1.2.3-beta.4"; const url = "https://example.com:8080/path";',
    'Basic configuration is described in the README; the Bearer scheme is explained there too.',
  ].join('\n');
  assert.equal(redactSecrets(code), code);
});

test('redaction of values: strings inside objects, and anything stored under a credential name', () => {
  const key = `sk_live_${alnum(24)}`;
  const input = { problem: `charge failed with ${key}`, db_password: 'hunter2', port: 5432, nested: [{ apiKey: 12345678 }],
    solution: 'rotate the key', ok: true };
  const out = redactValues(input);
  assert.deepEqual(out, { problem: 'charge failed with [redacted Stripe key]', db_password: '[redacted]', port: 5432,
    nested: [{ apiKey: '[redacted]' }], solution: 'rotate the key', ok: true });
  assert.equal(input.db_password, 'hunter2', 'the caller\'s object is not changed');
});

test('entropy: random keys score high, words and repeated characters low', () => {
  assert.ok(shannonEntropy(random(B64, 40)) > 4.5);
  assert.ok(shannonEntropy('aaaaaaaaaaaaaaaa') === 0);
  assert.ok(shannonEntropy('configuration') < 3.5);
});
