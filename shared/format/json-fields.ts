// Shape checks for decoding restic's JSON files. Go's decoder fails on a wrong type and treats `null` like an
// absent field (the Go zero value), so these helpers do the same; every failure is a CorruptDataError that
// names the document and the field path, e.g. `tree: nodes[3].content[0]: not an ID`.
import { CorruptDataError, isId } from '../core/index.js';
import type { Id } from '../core/index.js';

/** A JSON object as decoded, with the place it came from for error messages. */
export type JsonObject = Record<string, unknown>;

/** parseJson decodes UTF-8 JSON bytes (invalid UTF-8 becomes U+FFFD, as in Go's decoder). */
export function parseJson(bytes: Uint8Array, what: string): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CorruptDataError(`${what}: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}

export function fail(where: string, problem: string): never {
  throw new CorruptDataError(`${where}: ${problem}`);
}

export function asObject(v: unknown, where: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'not a JSON object');
  return v as JsonObject;
}

/** asArray accepts an array; `null` is Go's nil slice and reads as empty. */
export function asArray(v: unknown, where: string): unknown[] {
  if (v === null) return [];
  if (!Array.isArray(v)) fail(where, 'not a JSON array');
  return v;
}

export function asString(v: unknown, where: string): string {
  if (typeof v !== 'string') fail(where, 'not a string');
  return v;
}

/** asId accepts 64 hex digits; like Go's hex decoder it takes upper case too, and returns the lower-case form. */
export function asId(v: unknown, where: string): Id {
  if (typeof v !== 'string') fail(where, 'not an ID (64 hex characters)');
  if (isId(v)) return v;
  if (!ANY_CASE_ID.test(v)) fail(where, 'not an ID (64 hex characters)');
  return v.toLowerCase();
}

const ANY_CASE_ID = /^[0-9a-fA-F]{64}$/;

/** asUint accepts a non-negative integer not above `max` (Go's unsigned field width). */
export function asUint(v: unknown, where: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    fail(where, `not an integer in 0..${max}`);
  }
  return v;
}

/** Optional field readers: absent and `null` both give undefined. */
// These run for every field of every tree node, so the common, valid case must not build the error path
// string (`where.key`): it is only formatted once a check has failed.
export function optString(o: JsonObject, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : asString(v, `${where}.${key}`);
}

export function optId(o: JsonObject, key: string, where: string): Id | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' && isId(v) ? v : asId(v, `${where}.${key}`);
}

export function optUint(o: JsonObject, key: string, where: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : asUint(v, `${where}.${key}`, max);
}

export function optStringArray(o: JsonObject, key: string, where: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return asArray(v, `${where}.${key}`).map((s, i) => asString(s, `${where}.${key}[${i}]`));
}

export function reqString(o: JsonObject, key: string, where: string): string {
  if (!(key in o)) fail(where, `missing field "${key}"`);
  return asString(o[key], `${where}.${key}`);
}

export function reqId(o: JsonObject, key: string, where: string): Id {
  if (!(key in o)) fail(where, `missing field "${key}"`);
  return asId(o[key], `${where}.${key}`);
}

export function reqUint(o: JsonObject, key: string, where: string, max?: number): number {
  if (!(key in o)) fail(where, `missing field "${key}"`);
  return asUint(o[key], `${where}.${key}`, max);
}

/** UINT32_MAX bounds Go uint32 fields (uid, gid, mode, pack offsets). */
export const UINT32_MAX = 0xffffffff;
