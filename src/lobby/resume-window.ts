/**
 * The resume rule of the lobby (bot protocol §3.6, as botgate applies it; docs/lobby.md):
 * on a lobby connect an in-flight match is re-announced (`matched`, `resume: true`) only
 * after a settle window, and only if by then the bot's seat has no match socket.
 *
 * Why: a client whose only way back into a match is the lobby (the raw reference client
 * closes its lobby on `matched`; restarted mid-match it learns of the match only from the
 * lobby) needs the re-announcement. A client that re-dials its match socket by itself (the
 * Chipzen SDKs) does that at the same moment as its lobby, and it starts one more match task
 * for every `matched` it gets, without looking at the match id: re-announcing a match it is
 * already playing makes two tasks race for one seat, one of them refused with
 * `duplicate_participant`. The window gives its own re-dial time to bind the seat first.
 *
 * The window is a row in the bot object's schedule (`resume:{connId}`), so it survives
 * hibernation; a runtime restart closes the lobby socket with it, and the client's next
 * connect opens a new window.
 */
import type { MatchedNotice } from "./matched-notices";

/**
 * A seat as its match object sees it (`MatchObject.seatStatus`): `bound` when a socket holds
 * the seat or is completing its handshake for it, `free` when a dial would be let in and
 * nothing holds the seat, `closed` when the match has ended, `unknown` when the object knows
 * no such seat (the bot's dial will be told why: the match is re-announced).
 */
export type SeatStatus = "free" | "bound" | "closed" | "unknown";

/** What the end of a settle window does with each in-flight match. */
export interface ResumeDecision {
  /** Re-announce these on the new lobby socket, oldest dispatch first. */
  announce: MatchedNotice[];
  /** The bot's own socket holds (or is binding) these seats: nothing is sent for them. */
  bound: string[];
  /** These matches are over: their notices can go. */
  closed: string[];
}

/**
 * Asks each in-flight match about the bot's seat. A match that cannot answer (its object
 * failed) is re-announced: a duplicate dial is refused harmlessly with 4011, while a match
 * left unannounced could be lost to a client that relies on the lobby.
 */
export async function decideResume(
  notices: readonly MatchedNotice[],
  seatStatus: (notice: MatchedNotice) => Promise<SeatStatus>,
  onError: (notice: MatchedNotice, error: unknown) => void,
): Promise<ResumeDecision> {
  const statuses = await Promise.all(
    notices.map((notice) =>
      seatStatus(notice).catch((error: unknown): SeatStatus => {
        onError(notice, error);
        return "free";
      }),
    ),
  );
  const decision: ResumeDecision = { announce: [], bound: [], closed: [] };
  notices.forEach((notice, i) => {
    const status = statuses[i];
    if (status === "bound") decision.bound.push(notice.match_id);
    else if (status === "closed") decision.closed.push(notice.match_id);
    else decision.announce.push(notice); // free or unknown
  });
  return decision;
}
