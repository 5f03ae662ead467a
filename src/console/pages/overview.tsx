import type { MatchView } from "../live.ts";
import { ofKind, onlineByChannel } from "../presence.ts";
import { paths } from "../router.ts";
import { clock, Empty, Link, Section, shortId, useLive } from "../ui.tsx";

function seatsText(match: MatchView): string {
  return match.seats.map((seat) => seat.name ?? shortId(seat.botId)).join(" vs ");
}

function MatchList(props: { matches: MatchView[]; none: string }) {
  if (props.matches.length === 0) return <Empty>{props.none}</Empty>;
  return (
    <ul class="rows">
      {props.matches.map((match) => (
        <li key={match.matchId}>
          <Link href={paths.match(match.matchId)}>{seatsText(match)}</Link>
          <span class="meta">
            {match.status} · {match.handsPlayed ?? 0} hands · {clock(match.createdAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The gateway at a glance, live from presence and events. */
export function Overview() {
  const { live, state } = useLive();
  const bots = ofKind(state.presence, "bot:");
  const agents = ofKind(state.presence, "agent:");
  const sleds = ofKind(state.presence, "sled:");
  const operators = ofKind(state.presence, "operator:");
  const online = onlineByChannel(state.presence);
  const pending = state.status.pendingApprovals;
  return (
    <div class="grid">
      <Section title="Bots online" count={bots.length}>
        {bots.length === 0 ? (
          <Empty>No bot has a lobby socket open.</Empty>
        ) : (
          <ul class="rows">
            {bots.map((entry) => {
              const id = (entry.instanceId ?? "").slice("bot:".length);
              const bot = state.bots.get(id);
              return (
                <li key={id}>
                  <Link href={paths.bot(id)}>{bot?.name ?? id}</Link>
                  <span class="meta">online since {clock(entry.onlineSince ?? entry.ts)}</span>
                </li>
              );
            })}
          </ul>
        )}
      </Section>
      <Section title="Live matches" count={state.liveMatches.length}>
        <MatchList matches={state.liveMatches} none="No match is being played." />
      </Section>
      <Section title="Channels" count={state.channels.length}>
        {state.channels.length === 0 ? (
          <Empty>No channels.</Empty>
        ) : (
          <ul class="rows">
            {state.channels.map((channel) => (
              <li key={channel.name}>
                <Link href={paths.channel(channel.name)}>{channel.name}</Link>
                <span class="meta">
                  {online.get(channel.name) ?? 0} online · {channel.members} members ·{" "}
                  {channel.visibility}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p class="meta">{agents.length} agent sessions online</p>
      </Section>
      <Section title="Sleds" count={sleds.length}>
        {sleds.length === 0 ? (
          <Empty>No sled is connected.</Empty>
        ) : (
          <ul class="rows">
            {sleds.map((entry) => (
              <li key={entry.instanceId}>{entry.text ?? entry.instanceId}</li>
            ))}
          </ul>
        )}
      </Section>
      {live.can("exec.approval.list") ? (
        <Section title="Pending approvals" count={typeof pending === "number" ? pending : 0}>
          <Link href={paths.approvals()}>Open approvals</Link>
        </Section>
      ) : null}
      <Section title="Recent matches" count={state.recentMatches.length}>
        <MatchList matches={state.recentMatches} none="No match has ended yet." />
      </Section>
      <Section title="Operators online" count={operators.length}>
        <ul class="rows">
          {operators.map((entry) => (
            <li key={entry.instanceId}>{entry.text ?? entry.instanceId}</li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
