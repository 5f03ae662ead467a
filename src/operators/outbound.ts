/**
 * Frames the hub sends, as text: `res` for a request, `event` with this socket's next `seq`.
 * An event's payload is serialized once per fan-out and spliced into each socket's frame, so
 * a change seen by a hundred operators is stringified once. Protocol-3 connections get the
 * extra keys of the framing leniency (see `operator-frames.ts`); protocol-4 frames never do.
 */
import {
  type EventFrame,
  legacyResponse,
  type ResponseFrame,
  type StateVersionFrame,
} from "../protocol/operator-frames.ts";

/** An event ready to fan out: its payload already serialized. */
export interface OutgoingEvent {
  event: string;
  /** `JSON.stringify(payload)`, or `undefined` for an event without a payload. */
  payloadJson: string | undefined;
  stateVersion?: StateVersionFrame;
}

export function outgoing(
  event: string,
  payload: unknown,
  stateVersion?: StateVersionFrame,
): OutgoingEvent {
  return {
    event,
    payloadJson: payload === undefined ? undefined : JSON.stringify(payload),
    ...(stateVersion ? { stateVersion } : {}),
  };
}

/** The `event` frame text for one socket. `seq` is omitted only on `connect.challenge`. */
export function eventText(event: OutgoingEvent, seq: number | null, protocol: number): string {
  let text = `{"type":"event","event":${JSON.stringify(event.event)}`;
  if (event.payloadJson !== undefined) text += `,"payload":${event.payloadJson}`;
  if (seq !== null) text += `,"seq":${seq}`;
  if (event.stateVersion) text += `,"stateVersion":${JSON.stringify(event.stateVersion)}`;
  if (protocol === 3 && event.payloadJson !== undefined) text += `,"params":${event.payloadJson}`;
  return `${text}}`;
}

export function responseText(frame: ResponseFrame, protocol: number): string {
  return JSON.stringify(protocol === 3 ? legacyResponse(frame) : frame);
}

/** The `connect.challenge` frame (sent before the protocol is known: plain v4 shape). */
export function challengeText(nonce: string, ts: number): string {
  const frame = {
    type: "event",
    event: "connect.challenge",
    payload: { nonce, ts },
  } satisfies EventFrame;
  return JSON.stringify(frame);
}
