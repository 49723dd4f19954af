/**
 * The one place that removes secrets from text bound for logs, messages and files: the values the
 * user configured as secrets (tokens, signing keys, secret URLs; see SECRET_FLAGS in src/cli), plus
 * credentials recognisable by their shape (in URLs, bot tokens, bearer tokens). Pure.
 */

export type Redactor = (text: string) => string;

// Keys whose values are secrets wherever they appear in a log line.
export const SECRET_KEYS = [
  'token',
  '*.token',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'credentials',
  '*.credentials',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  '*.secretAccessKey',
  '*.sessionToken',
  'headers.authorization',
  '*.headers.authorization',
];

/** Removes credentials embedded in URLs and bot tokens from free text. */
export function redactText(text: string): string {
  return text
    .replace(/(\/\/)[^/@\s]+@/g, '$1***@')
    .replace(/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot***')
    .replace(
      /([?&](?:token|key|secret|signature|sig|access_token|api_key|apikey|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&\s]+/gi,
      '$1***',
    )
    .replace(/(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***')
    .replace(/(\b(?:aws_secret_access_key|aws_session_token|password|passwd)\s*[=:]\s*)[^\s&]+/gi, '$1***');
}

/**
 * Applies `redact` to every string in a log line's fields (a store location or an error
 * message can carry a URL with a key), turning errors into plain objects first.
 */
export function redactFields(
  value: unknown,
  redact: Redactor = redactText,
  seen = new WeakSet<object>(),
  depth = 0,
): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactFields(v, redact, seen, depth + 1));
  if (value instanceof Error) {
    // A copy of the same class, so pino's error serializer still names its type.
    const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
    for (const key of new Set(['message', 'stack', ...Object.keys(value)])) {
      copy[key] = redactFields((value as unknown as Record<string, unknown>)[key], redact, seen, depth + 1);
    }
    if (value.cause !== undefined) copy.cause = redactFields(value.cause, redact, seen, depth + 1);
    return copy;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = redactFields(v, redact, seen, depth + 1);
  return out;
}

/** Secrets shorter than this are not searched for (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 3;

/**
 * A configured URL's secret parts: its path and query stand alone in a peer's echo (`Cannot POST
 * /hooks/SECRET`), an ntfy topic or a ping id is the path itself.
 */
function secretPartsOf(secret: string): string[] {
  let url: URL;
  try {
    url = new URL(secret);
  } catch {
    return [secret];
  }
  // Another scheme (mqtt://user:pass@host): the password may show alone.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [secret, ...passwordOf(url)];
  const path = url.pathname === '/' ? '' : url.pathname;
  return [secret, `${path}${url.search}`, path, url.search.slice(1), ...passwordOf(url)];
}

/** A URL's password, as written and decoded. */
function passwordOf(url: URL): string[] {
  if (!url.password) return [];
  try {
    return [url.password, decodeURIComponent(url.password)];
  } catch {
    return [url.password];
  }
}

/** Removes `secrets` (the configured values, and the paths and queries of configured URLs) and shaped credentials from text. */
export function secretRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a URL is replaced whole before a token inside it.
  const list = [...new Set(secrets.flatMap(secretPartsOf))]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  return (text) => redactText(list.reduce((out, secret) => out.split(secret).join('***'), text));
}
