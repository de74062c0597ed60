import { hash } from 'node:crypto';

/** Base64url characters of the SHA-256 kept in a tag: 27 × 6 = 162 bits. */
const TAG_CHARACTERS = 27;

/**
 * The strong entity tag of exactly these bytes (RFC 9110 §8.8.3): the first 27 base64url
 * characters of their SHA-256, quoted (29 characters in all, no `W/`). A string is hashed as its
 * UTF-8 bytes, which is how Express sends it.
 */
export function strongEtag(body: string | Buffer): string {
  return `"${hash('sha256', body, 'base64url').slice(0, TAG_CHARACTERS)}"`;
}

/** One entity tag of a request header: its opaque part with the quotes, and whether it is `W/`. */
export interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** `*`, or the tags of the list. */
export type EntityTagList = '*' | EntityTag[];

/** `entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE`, etagc being visible ASCII but `"` (no obs-text). */
const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7E]*")$/;

/**
 * Parses an `If-Match` / `If-None-Match` value (RFC 9110 §13.1.1–2): `*` or a comma-separated
 * list of entity tags (empty elements and the white space around commas allowed, as the list
 * rule says). Null when the value is not that: a bare hash without quotes, a `*` inside a list,
 * text of any other kind. Node joins repeated fields with `, `, so a repeated header is one list.
 */
export function parseEntityTags(value: string | undefined): EntityTagList | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const tags: EntityTag[] = [];
  for (const element of trimmed.split(',')) {
    const item = element.trim();
    if (item === '') continue;
    const match = ENTITY_TAG.exec(item);
    if (!match) return null;
    tags.push({ weak: match[1] !== undefined, opaque: match[2] });
  }
  return tags.length > 0 ? tags : null;
}

/**
 * `If-None-Match` (RFC 9110 §13.1.2) against the current tag, with the weak comparison: `*`
 * matches any current representation, a listed tag matches when its opaque part equals the
 * current one, `W/` or not. A value that does not parse matches nothing.
 */
export function noneMatchFails(value: string | undefined, current: string): boolean {
  const list = parseEntityTags(value);
  if (list === null) return false;
  if (list === '*') return true;
  const opaque = current.startsWith('W/') ? current.slice(2) : current;
  return list.some((tag) => tag.opaque === opaque);
}

/**
 * `If-Match` (RFC 9110 §13.1.1) against the current strong tag, with the strong comparison: a
 * listed tag matches only when neither is weak and the opaque parts are equal (`*` is handled
 * by the caller: it needs no current tag, only a current representation).
 */
export function matchesStrongly(list: EntityTag[], current: string): boolean {
  return !current.startsWith('W/') && list.some((tag) => !tag.weak && tag.opaque === current);
}
