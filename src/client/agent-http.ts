import { httpSignedString } from "../agents/signed-strings.ts";
import { type AgentKey, HttpError, signText } from "./agent-keys.ts";

/** A channel as discovery lists it. */
export interface ListedChannel {
  name: string;
  visibility: "public" | "unlisted" | "private";
  topic: string;
}

/**
 * The channels an agent may see (`GET /api/channels`, signed with its key): the public
 * ones plus every channel it is a member or the admin of. Bad or stale credentials are an
 * `HttpError` 401, never a silently shorter list.
 */
export async function listChannels(
  origin: string,
  agent: { user: string; machine: string; key: AgentKey },
): Promise<ListedChannel[]> {
  const path = "/api/channels";
  const timestamp = String(Date.now());
  const response = await fetch(new URL(path, origin), {
    headers: {
      "x-botgate-user": agent.user,
      "x-botgate-machine": agent.machine,
      "x-botgate-timestamp": timestamp,
      "x-botgate-signature": await signText(agent.key, httpSignedString("GET", path, timestamp)),
    },
  });
  const body = (await response.json().catch(() => ({}))) as {
    channels?: ListedChannel[];
    error_code?: string;
    message?: string;
  };
  if (!response.ok || !Array.isArray(body.channels)) {
    throw new HttpError(
      response.status,
      body.error_code ?? "HTTP_ERROR",
      `channel list refused: HTTP ${response.status} ${body.error_code ?? ""} ${body.message ?? ""}`.trim(),
    );
  }
  return body.channels;
}
