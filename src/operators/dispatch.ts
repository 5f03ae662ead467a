/**
 * One request of a live connection, decided: the method, its scope, its params, its
 * handler, and the one `res` that answers it. Every failure becomes a documented error
 * (operator gateway §2, §4); an unexpected one is logged in full and answered generically.
 */
import * as v from "valibot";
import { describeError, log } from "../lib/log.ts";
import {
  describeIssues,
  type RequestFrame,
  type ResponseFrame,
} from "../protocol/operator-frames.ts";
import { type MethodContext, MethodError, type MethodRegistry } from "./methods/registry.ts";
import { holds } from "./scopes.ts";

export async function runMethod(
  registry: MethodRegistry,
  frame: RequestFrame,
  ctx: MethodContext,
): Promise<ResponseFrame> {
  const fail = (error: MethodError): ResponseFrame => ({
    type: "res",
    id: frame.id,
    ok: false,
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      ...(error.retry ? { retryable: true, retryAfterMs: error.retry.retryAfterMs } : {}),
    },
  });
  const method = registry.method(frame.method);
  if (!method) {
    return fail(
      new MethodError("INVALID_REQUEST", `unknown method: ${frame.method.slice(0, 128)}`),
    );
  }
  if (!holds(ctx.caller.scopes, method.scope)) {
    return fail(
      new MethodError("FORBIDDEN", `missing scope: ${method.scope}`, {
        code: "MISSING_SCOPE",
        missingScope: method.scope,
        requiredScopes: [method.scope],
      }),
    );
  }
  const params = v.safeParse(method.params, frame.params ?? {});
  if (!params.success) {
    return fail(
      new MethodError(
        "INVALID_REQUEST",
        `invalid ${method.name} params: ${describeIssues(params.issues)}`,
      ),
    );
  }
  try {
    const payload = await method.handler(params.output, ctx);
    return { type: "res", id: frame.id, ok: true, payload };
  } catch (err) {
    if (err instanceof MethodError) return fail(err);
    log("error", "operator_method_failed", { method: method.name, error: describeError(err) });
    return fail(
      new MethodError("UNAVAILABLE", "internal error", undefined, { retryAfterMs: 1000 }),
    );
  }
}
