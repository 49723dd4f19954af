/** Removes configured secrets (tokens, signing keys, secret URLs) and URL credentials from text bound for logs. */
import { redactText } from '../utils/log.js';

/** Secrets shorter than this are not searched for (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 3;

export type Redactor = (text: string) => string;

export function secretRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a URL is replaced whole before a token inside it.
  const list = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => redactText(list.reduce((out, secret) => out.split(secret).join('***'), text));
}
