import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";

export const REQUEST_ID_HEADER = "x-request-id";
// An incoming id is reused only when it is short and plain, so it is safe to log and echo.
const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Gives every request an id, echoed in the `x-request-id` header and every error body. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header(REQUEST_ID_HEADER);
  const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", id);
  await next();
  // WebSocket upgrades carry an immutable 101 response; leave those alone.
  if (c.res.status === 101) return;
  try {
    c.res.headers.set(REQUEST_ID_HEADER, id);
  } catch {
    // A response from another object (a stub's fetch) has immutable headers: copy it.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(REQUEST_ID_HEADER, id);
  }
});
