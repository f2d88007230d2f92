/**
 * Removes credentials from text before it is stored or sent to a model: errors and notes pasted by a user
 * often carry tokens. Each pattern is a well-known key format; the generic one catches `password = "…"`-style
 * assignments. What is replaced keeps a hint of its kind so the memory still reads naturally.
 */
const PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted private key]'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '[redacted AWS key]'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, '[redacted GitHub token]'],
  [/\bgithub_pat_[A-Za-z0-9_]{40,}\b/g, '[redacted GitHub token]'],
  [/\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}\b/g, '[redacted API key]'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, '[redacted Slack token]'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, '[redacted Google key]'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g, '[redacted JWT]'],
  [/\b(Bearer)\s+[A-Za-z0-9._~+/-]{20,}=*/g, '$1 [redacted]'],
  [/((?:password|passwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)["']?\s*[:=]\s*)(["']?)[^\s"']{6,}\2/gi, '$1$2[redacted]$2'],
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
