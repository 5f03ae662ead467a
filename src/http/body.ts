import * as v from "valibot";
import type { AppContext } from "./context";
import { ApiError } from "./errors";

const DEFAULT_MAX_BODY_BYTES = 65_536;

/** The body of a route that takes no parameters: `{}` or an empty body, nothing else. */
export const EmptySchema = v.strictObject({});

/**
 * Reads and validates a JSON request body against a strict schema. An empty
 * body counts as `{}` (bot clients may post nothing). Oversized bodies are
 * refused from `Content-Length` before reading, and again while reading for
 * chunked uploads.
 */
export async function readJsonBody<S extends v.GenericSchema>(
  c: AppContext,
  schema: S,
): Promise<v.InferOutput<S>> {
  const limit = Number(c.env.MAX_BODY_BYTES) || DEFAULT_MAX_BODY_BYTES;
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  const text = await readCapped(c.req.raw, limit);
  let data: unknown = {};
  if (text.trim() !== "") {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(400, "MALFORMED_JSON", "Request body is not valid JSON");
    }
  }
  // valibot's object schemas accept arrays (they are objects), so `[]` would pass as `{}`.
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ApiError(400, "INVALID_BODY", "Request body must be a JSON object");
  }
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  throw validationError(result.issues);
}

async function readCapped(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, "BODY_TOO_LARGE", `Request body exceeds ${limit} bytes`);
}

/** Maps valibot issues to one specific error: unknown fields first, then the first other issue. */
export function validationError(issues: readonly v.BaseIssue<unknown>[]): ApiError {
  // valibot reports missing and unknown keys alike as `strict_object`; an unknown key expects "never".
  const unknown = issues.find(
    (issue) => issue.type === "strict_object" && issue.expected === "never",
  );
  if (unknown) {
    const key = v.getDotPath(unknown) ?? String(unknown.input);
    return new ApiError(400, "UNKNOWN_FIELD", `Unknown field: ${key}`);
  }
  const first = issues[0];
  const path = first ? v.getDotPath(first) : null;
  const detail = first?.message ?? "invalid";
  return new ApiError(400, "INVALID_BODY", path ? `${path}: ${detail}` : detail);
}
