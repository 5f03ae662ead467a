/**
 * Notifications: each joined channel is a resource `botgate://{host}/channels/{name}` and
 * the inbox is `botgate://{host}/inbox`. A host that subscribes to one gets
 * `notifications/resources/updated` whenever new entries arrive there, so it need not poll
 * `read` or `inbox`. Reading a resource shows what is unread without marking it read
 * (only the `read` and `inbox` tools move the read point). Joins and leaves send
 * `notifications/resources/list_changed`.
 */
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ClientLog } from "../client/match-session.ts";
import type { AgentHub } from "./agent-hub.ts";
import { entryLine } from "./format.ts";

/** The resource URI of a channel (or of the inbox, for `null`) on a server. */
export function resourceUri(origin: string, channel: string | null): string {
  const host = new URL(origin).host;
  return channel === null ? `botgate://${host}/inbox` : `botgate://${host}/channels/${channel}`;
}

export function registerResources(server: McpServer, hub: AgentHub, log: ClientLog): void {
  const originOf = (host: unknown) => {
    const found = hub.servers.find((origin) => new URL(origin).host === String(host));
    if (!found) throw new Error(`no server ${String(host)} in this bridge`);
    return found;
  };
  const unread = (origin: string, channel: string | null, uri: string) => {
    const entries = hub.peek(origin, channel);
    const text =
      entries.length === 0
        ? "nothing unread"
        : [
            `${entries.length} unread (read them with the ${channel === null ? "inbox" : "read"} tool):`,
            ...entries.map(entryLine),
          ].join("\n");
    return { contents: [{ uri, mimeType: "text/plain", text }] };
  };

  server.registerResource(
    "channel",
    new ResourceTemplate("botgate://{host}/channels/{name}", {
      list: () => ({
        resources: hub.joinedChannels().map(({ server: origin, channel }) => ({
          uri: resourceUri(origin, channel),
          name: `#${channel}`,
          mimeType: "text/plain",
        })),
      }),
    }),
    {
      title: "Channel",
      description: "Unread messages of a joined channel; subscribe to be notified of new ones.",
      mimeType: "text/plain",
    },
    (uri, variables) => unread(originOf(variables.host), String(variables.name), uri.href),
  );

  server.registerResource(
    "inbox",
    new ResourceTemplate("botgate://{host}/inbox", {
      list: () => ({
        resources: hub.servers.map((origin) => ({
          uri: resourceUri(origin, null),
          name: "inbox",
          mimeType: "text/plain",
        })),
      }),
    }),
    {
      title: "Inbox",
      description: "Unread whispers to this session; subscribe to be notified of new ones.",
      mimeType: "text/plain",
    },
    (uri, variables) => unread(originOf(variables.host), null, uri.href),
  );

  const subscribed = new Set<string>();
  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  hub.onNews((origin, channel) => {
    const uri = resourceUri(origin, channel);
    if (!subscribed.has(uri) || !server.isConnected()) return;
    server.server
      .sendResourceUpdated({ uri })
      .catch((err: unknown) => log("mcp_notify_failed", { uri, error: String(err) }));
  });
  hub.onMembershipChanged(() => {
    if (server.isConnected()) server.sendResourceListChanged();
  });
}
