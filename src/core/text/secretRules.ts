/**
 * Credential formats, one rule each, in the order they are applied (specific prefixes before anything generic).
 * The formats follow the providers' documentation and gitleaks' default rule set (config/gitleaks.toml), which
 * is the most complete public list; its Go regexes cannot be used as they are (inline `(?i)` is not JavaScript),
 * and no well-kept npm package ships them: secretlint's preset, the one candidate, found 3 of 11 formats users
 * reported in a trial, cut an AWS secret key in half, and only runs asynchronously.
 *
 * `keep` is how many leading capture groups stay in the text (a label such as `AccountKey=` or a URL's user), so
 * the redacted line still reads naturally.
 */
export interface SecretRule {
  id: string;
  label: string;
  pattern: RegExp;
  keep?: number;
}

const rule = (id: string, label: string, pattern: RegExp, keep = 0): SecretRule => ({ id, label, pattern, keep });

export const SECRET_RULES: readonly SecretRule[] = [
  // A whole PEM block, or one cut short (the text ended or was clipped before its END line).
  rule('private-key', 'private key', /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----/g),
  rule('private-key-cut', 'private key', /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=:,. -]*(?:\r?\n|\\n))*[A-Za-z0-9+/=]*/g),
  rule('aws-access-key-id', 'AWS key', /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g),
  rule('aws-secret-access-key', 'AWS secret key', /((?:aws_?)?secret_?access_?key\\?["']?\s*(?:[:=]|=>)\s*\\?["']?)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi, 1),
  rule('github-token', 'GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g),
  rule('github-fine-grained', 'GitHub token', /\bgithub_pat_[A-Za-z0-9_]{40,}/g),
  rule('gitlab-token', 'GitLab token', /\bgl(?:pat|dt|rt|cbt|ptt|soat|ft|imt|oas|agent)-[A-Za-z0-9_-]{20,}/g),
  rule('gitlab-runner-registration', 'GitLab token', /\bGR1348941[A-Za-z0-9_-]{20,}/g),
  rule('anthropic-key', 'Anthropic key', /\bsk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{20,}/g),
  rule('openai-key', 'API key', /\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}/g),
  rule('stripe-key', 'Stripe key', /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g),
  rule('stripe-webhook-secret', 'Stripe key', /\bwhsec_[A-Za-z0-9]{24,}/g),
  rule('slack-token', 'Slack token', /\bxox[abposre]-[A-Za-z0-9-]{10,}/g),
  rule('slack-app-token', 'Slack token', /\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+/g),
  rule('slack-webhook', 'Slack webhook', /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{20,}/g),
  rule('google-api-key', 'Google key', /\bAIza[0-9A-Za-z_-]{35}/g),
  rule('google-oauth-secret', 'Google key', /\bGOCSPX-[A-Za-z0-9_-]{28}/g),
  rule('google-access-token', 'Google token', /\bya29\.[A-Za-z0-9_-]{30,}/g),
  rule('jwt', 'JWT', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g),
  rule('pypi-token', 'PyPI token', /\bpypi-AgE[A-Za-z0-9_-]{50,}/g),
  rule('npm-token', 'npm token', /\bnpm_[A-Za-z0-9]{36}\b/g),
  rule('azure-connection-key', 'Azure key', /((?:AccountKey|SharedAccessKey|SharedSecretValue)=)[A-Za-z0-9+/=%]{20,}/gi, 1),
  rule('azure-sas-signature', 'Azure signature', /([?&]sig=)[A-Za-z0-9%+/=]{20,}/g, 1),
  rule('azure-ad-client-secret', 'Azure secret', /(?<![A-Za-z0-9_~.])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/g),
  rule('twilio-api-key', 'Twilio key', /\bSK[0-9a-fA-F]{32}\b/g),
  rule('sendgrid-key', 'SendGrid key', /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g),
  rule('huggingface-token', 'Hugging Face token', /\b(?:hf|api_org)_[A-Za-z0-9]{30,}\b/g),
  rule('discord-bot-token', 'Discord token', /\b[MNO](?=[A-Za-z0-9_-]{0,26}\d)[A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.(?=[A-Za-z0-9_-]{0,39}\d)[A-Za-z0-9_-]{27,40}/g),
  rule('discord-webhook', 'Discord webhook', /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/g),
  rule('digitalocean-token', 'DigitalOcean token', /\bdo[opr]_v1_[a-f0-9]{64}\b/g),
  rule('datadog-key', 'Datadog key', /((?:datadog|dd)[_-]?(?:app(?:lication)?|api)[_-]?key\\?["']?\s*(?:[:=]|=>)\s*\\?["']?)[a-f0-9]{32,40}\b/gi, 1),
  rule('shopify-token', 'Shopify token', /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g),
  rule('mailchimp-key', 'Mailchimp key', /\b[0-9a-f]{32}-us\d{1,2}\b/g),
  rule('mailgun-key', 'Mailgun key', /\bkey-[0-9a-f]{32}\b/g),
  rule('square-token', 'Square token', /\b(?:sq0atp|sq0csp)-[A-Za-z0-9_-]{22,43}|\bEAAA[A-Za-z0-9_-]{60}/g),
  rule('telegram-bot-token', 'Telegram token', /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g),
  rule('facebook-token', 'Facebook token', /\bEAA[A-Za-z0-9]{100,}/g),
  rule('atlassian-token', 'Atlassian token', /\bATATT3[A-Za-z0-9_=-]{100,}/g),
  rule('linear-key', 'Linear key', /\blin_(?:api|oauth)_[A-Za-z0-9]{40}\b/g),
  rule('notion-token', 'Notion token', /\b(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,50})\b/g),
  rule('grafana-token', 'Grafana token', /\bgl(?:c|sa)_[A-Za-z0-9_+/=-]{32,}/g),
  rule('vault-token', 'Vault token', /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/g),
  rule('terraform-token', 'Terraform token', /\b[a-z0-9]{14}\.atlasv1\.[a-z0-9_=-]{60,70}/g),
  rule('doppler-token', 'Doppler token', /\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}/g),
  rule('postman-key', 'Postman key', /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/g),
  rule('sentry-token', 'Sentry token', /\bsntr[ysu]_[A-Za-z0-9+/=_-]{40,}/g),
  rule('groq-key', 'Groq key', /\bgsk_[A-Za-z0-9]{52}\b/g),
  rule('age-secret-key', 'age key', /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g),
  rule('databricks-token', 'Databricks token', /\bdapi[a-f0-9]{32}(?:-\d)?\b/g),
  rule('docker-token', 'Docker token', /\bdckr_pat_[A-Za-z0-9_-]{27,}/g),
  rule('onepassword-token', '1Password token', /\bops_eyJ[A-Za-z0-9+/]{100,}={0,3}/g),
  rule('replicate-token', 'Replicate token', /\br8_[A-Za-z0-9]{37}\b/g),
  rule('pulumi-token', 'Pulumi token', /\bpul-[a-f0-9]{40}\b/g),
  rule('heroku-key', 'Heroku key', /\bHRKU-[A-Za-z0-9_-]{60}/g),
  rule('bearer-token', 'token', /(\b[Bb]earer\s+)(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}=*/g, 1),
  rule('basic-auth-header', 'credentials', /(Authorization\\?["']?\s*[:=]\s*\\?["']?Basic\s+)[A-Za-z0-9+/]{8,}={0,2}/gi, 1),
  // The password of `scheme://user:password@host`; the user and host stay.
  rule('url-password', 'password', /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)[^\s@]+(?=@)/gi, 1),
];

/** Names under which a value is a credential whatever it looks like (`db_password`, `API_KEY`, `clientSecret`). */
export const SECRET_NAME = /(?:passw(?:or)?d|pwd|secret|api[_-]?key|apikey|access[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|private[_-]?key|credential|passphrase)/i;
