/** What a method sees of the hub while it runs for one connection (`HubAccess`). */
import { MAX_TOPICS } from "./connection.ts";
import type { HubSockets } from "./hub-sockets.ts";
import type { HubStore } from "./hub-store.ts";
import type { HubAccess } from "./methods/registry.ts";

export function hubAccess(ws: WebSocket, sockets: HubSockets, store: HubStore): HubAccess {
  const topics = () => {
    const current = sockets.read(ws);
    return current?.phase === "live" ? current.topics : [];
  };
  const setTopics = (change: (topics: string[]) => string[]) => {
    // Re-read: fan-out may have moved this socket's seq while the method awaited.
    const current = sockets.read(ws);
    if (current?.phase !== "live") return;
    sockets.write(ws, { ...current, topics: change(current.topics).slice(0, MAX_TOPICS) });
  };
  return {
    presence: () => store.presence.entries(),
    presenceCount: (prefix) => store.presence.count(prefix),
    isPresent: (id) => store.presence.has(id),
    stateVersion: () => store.stateVersion(),
    uptimeMs: () => store.uptimeMs(Date.now()),
    subscribe: (topic) => setTopics((t) => (t.includes(topic) ? t : [...t, topic])),
    unsubscribe: (topic) => setTopics((t) => t.filter((x) => x !== topic)),
    topics,
    stats: () => ({ operators: [...sockets.live()].length, ...store.reportStats() }),
  };
}
