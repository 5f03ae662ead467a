/**
 * Channels (`/console/channels[/{name}]`): every channel with who is online, a channel's
 * tail (`chat.history`, then live `chat` events after `chat.subscribe`), and a post as the
 * operator (`chat.send`) when the token holds `operator.write`.
 */
import { useEffect, useState } from "preact/hooks";
import { GatewayError, type GatewayEvent } from "../gateway.ts";
import { onlineByChannel } from "../presence.ts";
import { paths } from "../router.ts";
import { clock, Empty, Link, Section, useLive } from "../ui.tsx";

interface Message {
  seq: number;
  ts: number;
  from: string;
  payload: unknown;
}

function payloadText(payload: unknown): string {
  if (typeof payload === "string") return payload;
  const text = (payload as { text?: unknown } | null)?.text;
  return typeof text === "string" ? text : JSON.stringify(payload);
}

function merge(current: Message[], incoming: Message[]): Message[] {
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-200);
}

function Tail(props: { channel: string }) {
  const { live, state } = useLive();
  const [messages, setMessages] = useState<Message[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const { channel } = props;
  useEffect(() => {
    // Nothing to ask before the first snapshot; every reconnect asks again (generation).
    if (state.generation === 0) return;
    let current = true;
    setMessages([]);
    setProblem(null);
    const off = live.onGatewayEvent((event: GatewayEvent) => {
      if (event.event !== "chat") return;
      const message = (event.payload as { message?: Message & { channel?: string } }).message;
      if (message?.channel === channel) setMessages((list) => merge(list, [message]));
    });
    // Subscribe first, then read the history: nothing posted in between is missed.
    live
      .request("chat.subscribe", { channel })
      .then(() => live.request<{ messages: Message[] }>("chat.history", { channel, limit: 100 }))
      .then(
        (history) => current && setMessages((list) => merge(list, history.messages)),
        (error: Error) => {
          // Offline: the reconnect's new generation asks again.
          if (!current || (error instanceof GatewayError && error.code === "OFFLINE")) return;
          const unknown =
            error instanceof GatewayError &&
            (error.details?.code === "CHANNEL_NOT_FOUND" || error.code === "INVALID_REQUEST");
          setProblem(unknown ? `No channel named ${channel}.` : error.message);
        },
      );
    return () => {
      current = false;
      off();
      live.request("chat.unsubscribe", { channel }).catch(() => {});
    };
  }, [live, channel, state.generation]);
  if (problem) {
    return (
      <p class="problem" role="alert">
        {problem}
      </p>
    );
  }
  const send = async () => {
    const text = draft.trim();
    if (!text) return;
    setSending(true);
    try {
      await live.request("chat.send", {
        channel,
        message: text,
        idempotencyKey: crypto.randomUUID(),
      });
      setDraft("");
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setSending(false);
    }
  };
  return (
    <Section title={`#${channel}`} count={messages.length}>
      {messages.length === 0 ? (
        <Empty>No messages yet.</Empty>
      ) : (
        <ol class="rows messages" aria-label="Messages">
          {messages.map((message) => (
            <li key={message.seq}>
              <strong>{message.from}</strong>
              <span>{payloadText(message.payload)}</span>
              <span class="meta">{clock(message.ts)}</span>
            </li>
          ))}
        </ol>
      )}
      {live.can("chat.send") ? (
        <form
          class="compose"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <input
            aria-label="Post a message"
            value={draft}
            maxLength={2000}
            onInput={(event) => setDraft(event.currentTarget.value)}
          />
          <button type="submit" class="primary" disabled={sending}>
            Post
          </button>
        </form>
      ) : (
        <p class="meta">Read only: posting needs operator.write.</p>
      )}
    </Section>
  );
}

export function ChannelsPage(props: { channel: string | null }) {
  const { state } = useLive();
  const online = onlineByChannel(state.presence);
  return (
    <div class="columns">
      <div>{props.channel ? <Tail channel={props.channel} /> : <Empty>Pick a channel.</Empty>}</div>
      <Section title="Channels" count={state.channels.length}>
        {state.channels.length === 0 ? (
          <Empty>No channels.</Empty>
        ) : (
          <ul class="rows">
            {state.channels.map((channel) => (
              <li key={channel.name}>
                <Link href={paths.channel(channel.name)}>{channel.name}</Link>
                <span class="meta">
                  {online.get(channel.name) ?? 0} online · {channel.topic}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
