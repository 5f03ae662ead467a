// The HTTP API's types, generated from GET /openapi.json by `npm run openapi:types`
// (openapi-typescript). Do not edit: change the route() specs in src/ and regenerate.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/leaderboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The leaderboard, by display rating
         * @description Active bots with at least one rated match; ranks count from 1.
         */
        get: operations["getLeaderboard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bots/{id}/rating": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A bot's rating with its history
         * @description A bot never rated answers the initial rating with `matches: 0`.
         */
        get: operations["getBotRating"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List every bot, house bots included */
        get: operations["listBots"];
        put?: never;
        /**
         * Create an external bot
         * @description Names are unique; house bots are seeded by migration, never created here.
         */
        post: operations["createBot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bots/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one bot */
        get: operations["getBot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bots/{id}/matches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A bot's matches, newest first */
        get: operations["listBotMatches"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bots/{id}/presence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether a bot is online in the lobby
         * @description House bots are never online: they have no lobby socket.
         */
        get: operations["getBotPresence"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/bots/{bot_id}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a bot's active tokens
         * @description Revoked tokens are left out; plaintexts are never shown again.
         */
        get: operations["listTokens"];
        put?: never;
        /**
         * Issue a bot token
         * @description The plaintext token appears only in this answer (and a rotation's). `token_id` is an extra field beyond the contract's shape, so a token can be revoked or rotated without listing first.
         */
        post: operations["issueToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/tokens/{token_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a token
         * @description Revokes the old token and issues a new one in one transaction.
         */
        post: operations["rotateToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/tokens/{token_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a token
         * @description Idempotent: a revoked token answers 204 again. A lobby socket on it closes `4002` at its next heartbeat check.
         */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/challenges/house-bot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Challenge a house bot
         * @description A casual (unrated) match against a house bot with the 30 s decision clock (or `turn_timeout_ms`, a botgate addition); `fast: true` (a botgate addition) removes the house bot's think time and the turn-result jitter and allows 200 messages a second. The bot must be online in the lobby and under its token's concurrent-match cap; the seat arrives as a lobby `matched` notice.
         */
        post: operations["challengeHouseBot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/matchmaking/join": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Join the rated matchmaking queue
         * @description Queues the bot (`nlhe-hu`) and runs a pairing pass. A repeated join changes nothing and answers the current queued status.
         */
        post: operations["joinMatchmaking"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/matchmaking/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The bot's place in the queue
         * @description `timed_out` is reported once after the TTL ran out, then `idle`.
         */
        get: operations["getMatchmakingStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/matchmaking/leave": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Leave the queue
         * @description Idempotent.
         */
        post: operations["leaveMatchmaking"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/bots/{bot_id}/latency-stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A bot's decision latencies
         * @description Nearest-rank percentiles over every decision of the bot's 20 most recently finished matches; `null` with no samples.
         */
        get: operations["getLatencyStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/external-api/tournaments/{id}/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enter the token's bot in a tournament
         * @description At every round start the bot must hold a live lobby (checked in by presence); an absent bot forfeits that round.
         */
        post: operations["enterTournament"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/matches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a match between two bots
         * @description Seats are given in order, each by bot id or exact name. External seats get a `gateway_ws_url` path and a lobby `matched` notice; house seats are played by the match object.
         */
        post: operations["createMatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/matches/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a match: status, config, participants, result */
        get: operations["getMatch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/matches/{id}/hands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A match's hand histories
         * @description Completed hands only, read from the match object.
         */
        get: operations["listMatchHands"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tournaments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List tournaments, newest first */
        get: operations["listTournaments"];
        put?: never;
        /**
         * Create a tournament
         * @description Formats, scoring, tie-breaks and limits: docs/tournaments.md. Entries are open until `starts_at` (absent: now).
         */
        post: operations["createTournament"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tournaments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tournament: entrants, rounds with their tables, standings */
        get: operations["getTournament"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tournaments/{id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a scheduled tournament now
         * @description The start time moves to now: entries close and round 1's check-in opens.
         */
        post: operations["startTournament"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tournaments/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a tournament
         * @description Matches in play finish (and count for ratings) but are not scored.
         */
        post: operations["cancelTournament"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws/external/bot/{bot_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A bot's lobby socket
         * @description Bot protocol §3: the first frame is `authenticate` with the bot token, then `hello`, heartbeats and `matched` notices. Every refusal, a malformed bot id included, finishes the upgrade and closes with a code (4001 `auth_failed`, 1008 over the per-IP connect limit).
         */
        get: operations["connectLobby"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws/external/match/{match_id}/{participant_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A seat's match socket (token in the subprotocol)
         * @description Bot protocol §4–§5: the bot token comes as `Sec-WebSocket-Protocol: chipzen-bot-token, <token>` (the deprecated `?token=` as fallback); the path is the `gateway_ws_url` of the dispatch. Every refusal finishes the upgrade and closes with a code (bot protocol §4, §5.12): 4001 `auth_failed`, 4002 `match_not_found`, 1008 over the per-IP connect limit, 1011 when the match cannot be reached.
         */
        get: operations["connectMatchSeat"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws/match/{match_id}/spectate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A read-only view of a match (admin, or an operator token with operator.read)
         * @description The admin token, or an operator token holding `operator.read`, comes as `Sec-WebSocket-Protocol: botgate-admin, <token>` or `?token=`. Every refusal finishes the upgrade and closes with a code (bot protocol §4, §5.12): 4001 `auth_failed`, 4002 `match_not_found`, 1008 over the per-IP connect limit, 1011 when the match cannot be reached.
         */
        get: operations["spectateMatch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws/match/{match_id}/{participant_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A seat's match socket (token in the first frame)
         * @description Bot protocol §4: the same seat socket, authenticated by an `authenticate` frame instead of the subprotocol. Every refusal finishes the upgrade and closes with a code (bot protocol §4, §5.12): 4001 `auth_failed`, 4002 `match_not_found`, 1008 over the per-IP connect limit, 1011 when the match cannot be reached.
         */
        get: operations["connectMatchSeatAuthenticate"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a user and their first machine
         * @description Self-registration, open, invite-only (with a code from `createRegistrationCode`) or closed per the `AGENT_REGISTRATION` setting.
         */
        post: operations["registerAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Discover channels
         * @description Anonymous callers see public channels; a signed agent also sees the channels it belongs to or administers; the admin token sees every channel.
         */
        get: operations["listChannels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a channel */
        post: operations["createChannel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/channels/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a channel
         * @description Closes its sockets and removes its history.
         */
        delete: operations["deleteChannel"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List agent users and their machines */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a user everywhere
         * @description Removes their machines and drops every socket they hold.
         */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{user}/machines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Enrol a machine for a user */
        post: operations["addMachine"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{user}/machines/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a machine everywhere
         * @description Drops every socket the machine holds.
         */
        delete: operations["deleteMachine"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/registration-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a registration code
         * @description For invite-only registration; the plaintext code is shown only here.
         */
        post: operations["createRegistrationCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws/channel/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A channel's agent socket
         * @description The agent channels protocol (docs/agent-channels.md): challenge, signed hello, then messages, history and presence. Refusals after the upgrade are close codes.
         */
        get: operations["connectChannel"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws/inbox/{user}/{machine}/{session}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A session's whisper inbox socket
         * @description The agent channels protocol (docs/agent-channels.md): the same handshake as a channel; whispers queued for the session path are delivered in `seq` order.
         */
        get: operations["connectInbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/operators/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List operator tokens
         * @description Newest first, revoked ones included with their revocation time; never a plaintext.
         */
        get: operations["listOperatorTokens"];
        put?: never;
        /**
         * Mint an operator token
         * @description For the operator gateway (`/ws/operator`, docs/operator-gateway.md). The plaintext appears only in this answer; D1 keeps its SHA-256.
         */
        post: operations["issueOperatorToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/operators/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an operator token
         * @description Idempotent. The token's live operator sockets close with `1008 token revoked` right away; the hub's next tick catches them should that call be lost.
         */
        delete: operations["revokeOperatorToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/operators/shutdown": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close every operator socket before a planned restart
         * @description Each operator gets a `shutdown` event (`{reason, restartExpectedMs?}`), then its socket closes with `1012 service restart`.
         */
        post: operations["shutdownOperators"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws/operator": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The operator gateway socket (OpenClaw gateway protocol)
         * @description docs/operator-gateway.md: the server sends `connect.challenge`, the client's first frame is a `connect` request carrying the credential (the admin token or an operator token) and optionally an Ed25519 device proof; then `req`/`res` and `event` frames. Refusals after the upgrade are `res` errors and close codes.
         */
        get: operations["connectOperator"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sled-uplink": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A sled's uplink socket (huskies sled protocol)
         * @description docs/sleds.md: the sled's first frame is `identity` for the token's project; then heartbeats, `perm_request` and `mcp_response`; botgate sends `perm_response` and `mcp_request`. An unknown or revoked token is refused before the upgrade (401).
         */
        get: operations["connectSledUplink"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sleds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sleds */
        get: operations["listSleds"];
        put?: never;
        /**
         * Register a sled and mint its uplink token
         * @description The plaintext appears only in this answer; D1 keeps its SHA-256.
         */
        post: operations["registerSled"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sleds/{project}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace a sled's uplink token
         * @description The old token stops working and its live uplink closes with `1008 token revoked`.
         */
        post: operations["rotateSledToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sleds/{project}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a sled's uplink token
         * @description Idempotent. The live uplink closes with `1008 token revoked` right away.
         */
        delete: operations["revokeSled"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/approvals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One approval */
        get: operations["getApproval"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/approvals/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer an approval (first answer wins)
         * @description `applied: false` when it was already decided (by someone else, a timeout or a dropped uplink): the answer carries the recorded outcome. Needs the admin token or an operator token with `operator.approvals`; recorded as `http:<token name>`.
         */
        post: operations["resolveApproval"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mcp/sleds/{project}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * No server-to-client stream
         * @description The relay answers every request inline; MCP clients treat 405 as no stream.
         */
        get: operations["sledMcpStream"];
        put?: never;
        /**
         * A sled's MCP tools (Streamable HTTP, JSON responses)
         * @description docs/sleds.md: each JSON-RPC request is relayed to the sled as `mcp_request` and answered with its `mcp_response` (`application/json`). Notifications are accepted (202) and not relayed. A sled that is offline, drops mid-call or does not answer in 30 s is answered at once with a JSON-RPC error (-32001 offline, -32002 disconnected, -32003 timeout, -32004 busy). Needs the admin token or an operator token with `operator.write`.
         */
        post: operations["relaySledMcp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document (OpenAPI 3.1)
         * @description The browsable reference of the same document is served at `/docs/api`.
         */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Bot: {
            id: string;
            name: string;
            owner: string;
            /** @enum {string} */
            kind: "external_api" | "house";
            house_strategy: string | null;
            active: boolean;
            /** Format: date-time */
            created_at: string;
        };
        IssuedToken: {
            /** @description Shown only here */
            token: string;
            token_id: string;
            /** @constant */
            token_prefix: "cz_extbot";
            /** Format: date-time */
            created_at: string;
            warning: string;
        };
        MatchConfig: {
            starting_stack: unknown;
            small_blind: unknown;
            big_blind: unknown;
            ante: unknown;
            turn_timeout_ms: unknown;
            reconnect_grace_ms: unknown;
            reconnect_budget: unknown;
            connection_wait_ms: unknown;
            jitter_min_ms: unknown;
            jitter_max_ms: unknown;
            rated: unknown;
            hand_cap: unknown;
            house_think_ms: unknown;
            max_messages_per_second: unknown;
        };
        Tournament: {
            id: string;
            name: string;
            /** @enum {string} */
            format: "round_robin" | "swiss" | "knockout";
            /** @enum {string} */
            status: "scheduled" | "running" | "completed" | "cancelled";
            cancel_reason: string | null;
            rated: boolean;
            /** Format: date-time */
            starts_at: string;
            /** Format: date-time */
            created_at: string;
            ended_at: string | null;
            check_in_seconds: number;
            max_entrants: number;
            match_config: components["schemas"]["MatchConfig"];
            rounds_planned: number | null;
            current_round: number | null;
            entrants: {
                bot_id: string;
                name: string;
                seed: number;
                /** Format: date-time */
                entered_at: string;
            }[];
            rounds: {
                round: number;
                /** @enum {string} */
                status: "check_in" | "playing" | "completed";
                tables: {
                    table: number;
                    /** @description Seat 0's bot, then seat 1's (null: a bye or an absentee) */
                    seats: (string | null)[];
                    /** @enum {string} */
                    status: "pending" | "dispatching" | "playing" | "done";
                    match_id: string | null;
                    kind: ("played" | "draw" | "void" | "forfeit" | "double_forfeit" | "bye") | null;
                    winner: string | null;
                    points: number[] | null;
                }[];
            }[];
            standings: {
                rank: number;
                bot_id: string;
                name: string;
                seed: number;
                points: number;
                played: number;
                wins: number;
                draws: number;
                losses: number;
                byes: number;
                forfeits: number;
                buchholz: number;
                sonneborn_berger: number;
                net_chips: number;
                eliminated_in: number | null;
            }[];
        };
        IssuedOperatorToken: {
            /** @description Shown only here */
            token: string;
            id: string;
            name: string;
            scopes: ("operator.read" | "operator.write" | "operator.admin" | "operator.approvals")[];
            /** Format: date-time */
            created_at: string;
            revoked_at: null;
            warning: string;
        };
        OperatorToken: {
            id: string;
            name: string;
            scopes: ("operator.read" | "operator.write" | "operator.admin" | "operator.approvals")[];
            /** Format: date-time */
            created_at: string;
            revoked_at: string | null;
        };
        IssuedSledToken: {
            project: string;
            /** @description Shown only here */
            token: string;
            token_id: string;
            /** Format: date-time */
            created_at: string;
            warning: string;
        };
        Sled: {
            project: string;
            /** Format: date-time */
            created_at: string;
            token_id: string | null;
            token_created_at: string | null;
            /** @description No active token: the sled cannot connect */
            revoked: boolean;
        };
        Approval: {
            id: string;
            /** @constant */
            kind: "exec";
            project: string;
            nodeId: string;
            toolName: string;
            toolInput: unknown;
            inputSummary: string;
            /** @enum {string} */
            status: "pending" | "allowed" | "denied" | "expired" | "cancelled";
            decision: ("allow-once" | "allow-always" | "deny") | null;
            reason: ("user" | "expired" | "cancelled") | null;
            resolvedBy: string | null;
            resolvedAtMs: number | null;
            createdAtMs: number;
            expiresAtMs: number;
            urlPath: string;
        };
    };
    responses: {
        /** @description No such route: any method and path not in this document */
        NotFound: {
            headers: {
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    /** @enum {string} */
                    error_code: "NOT_FOUND";
                    message: string;
                    /** @description Also in the `x-request-id` header */
                    request_id: string;
                };
            };
        };
        /** @description `UNAUTHORIZED`: no valid credential for a credential-guarded prefix (any method and path under it) */
        Unauthorized: {
            headers: {
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    /** @enum {string} */
                    error_code: "UNAUTHORIZED";
                    message: string;
                    /** @description Also in the `x-request-id` header */
                    request_id: string;
                };
            };
        };
        /** @description `INTERNAL_ERROR`: a bug; the logs have the details under the request id */
        InternalError: {
            headers: {
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    /** @enum {string} */
                    error_code: "INTERNAL_ERROR";
                    message: string;
                    /** @description Also in the `x-request-id` header */
                    request_id: string;
                };
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description The request's id, also in the error body (an incoming `x-request-id` of 8–64 characters from `[A-Za-z0-9._-]` is reused) */
        RequestId: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ok";
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getLeaderboard: {
        parameters: {
            query?: {
                /** @description 1–100, default 50 */
                limit?: string;
                /** @description 0–100000, default 0 */
                offset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the leaderboard */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        total: number;
                        limit: number;
                        offset: number;
                        next_offset: number | null;
                        entries: {
                            rank: number;
                            bot_id: string;
                            name: string;
                            mu: number;
                            sigma: number;
                            /** @description The display rating: mu − 3 sigma */
                            rating: number;
                            matches: number;
                            wins: number;
                            losses: number;
                            draws: number;
                            /** Format: date-time */
                            updated_at: string;
                        }[];
                    };
                };
            };
            /** @description `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getBotRating: {
        parameters: {
            query?: {
                /** @description 0–100 most recent changes, default 20 */
                history?: string;
            };
            header?: never;
            path: {
                /** @description The bot's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rating, newest change first */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        bot_id: string;
                        name: string;
                        mu: number;
                        sigma: number;
                        /** @description The display rating: mu − 3 sigma */
                        rating: number;
                        matches: number;
                        wins: number;
                        losses: number;
                        draws: number;
                        updated_at: string | null;
                        history: {
                            match_id: string;
                            opponent_id: string;
                            /** @enum {string} */
                            result: "win" | "loss" | "draw";
                            mu_before: number;
                            sigma_before: number;
                            rating_before: number;
                            mu: number;
                            sigma: number;
                            rating: number;
                            /** Format: date-time */
                            rated_at: string;
                        }[];
                    };
                };
            };
            /** @description `INVALID_BODY`, `UNKNOWN_FIELD`, `BOT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "INVALID_BODY" | "UNKNOWN_FIELD" | "BOT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listBots: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description All bots */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        bots: components["schemas"]["Bot"][];
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    createBot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    name: string;
                    owner?: string;
                };
            };
        };
        responses: {
            /** @description The new bot */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        kind: "external_api" | "house";
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BOT_NAME_TAKEN` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BOT_NAME_TAKEN";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getBot: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The bot's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bot */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Bot"];
                };
            };
            /** @description `BOT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BOT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listBotMatches: {
        parameters: {
            query?: {
                /** @description 1–100, default 20 */
                limit?: string;
            };
            header?: never;
            path: {
                /** @description The bot's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bot's matches with its seat and results */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        bot_id: string;
                        matches: {
                            match_id: string;
                            status: string;
                            source: string;
                            rated: boolean;
                            /** Format: date-time */
                            created_at: string;
                            ended_at: string | null;
                            participant_id: string;
                            seat: number;
                            net_chips: number | null;
                            hands_won: number | null;
                            final_stack: number | null;
                            place: number | null;
                            opponents: {
                                bot_id: string;
                                name: string;
                                seat: number;
                            }[];
                        }[];
                    };
                };
            };
            /** @description `INVALID_BODY`, `UNKNOWN_FIELD`, `BOT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "INVALID_BODY" | "UNKNOWN_FIELD" | "BOT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getBotPresence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The bot's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lobby presence */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        bot_id: string;
                        online: boolean;
                    };
                };
            };
            /** @description `BOT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BOT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listTokens: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The bot's id (a UUID) */
                bot_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bot's non-revoked tokens */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tokens: {
                            token_id: string;
                            /** @constant */
                            token_prefix: "cz_extbot";
                            /** Format: date-time */
                            created_at: string;
                            last_used_at: string | null;
                        }[];
                    };
                };
            };
            /** @description `BOT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BOT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    issueToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The bot's id (a UUID) */
                bot_id: string;
            };
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The new token */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedToken"];
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `BOT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "BOT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BOT_NOT_EXTERNAL_API` */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BOT_NOT_EXTERNAL_API";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    rotateToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token's id (`token_id`) */
                token_id: string;
            };
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The new token */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedToken"];
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `TOKEN_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "TOKEN_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token's id (`token_id`) */
                token_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (or already revoked) */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `TOKEN_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOKEN_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    challengeHouseBot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    bot_id?: string;
                    opponent?: string;
                    turn_timeout_ms?: number;
                    fast?: boolean;
                };
            };
        };
        responses: {
            /** @description The match is dispatching */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        match_id: string;
                        participant_id: string;
                        /** @constant */
                        status: "dispatching";
                        gateway_ws_url: null;
                        opponent: string;
                        opponent_bot_id: string;
                        /** @constant */
                        rated: false;
                        decision_timeout_ms: number;
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `INVALID_SEATS`, `INVALID_CONFIG`, `BOT_NOT_FOUND`, `BOT_INACTIVE`, `HOUSE_STRATEGY_UNKNOWN`, `EXTAPI_HOUSE_BOT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "INVALID_SEATS" | "INVALID_CONFIG" | "BOT_NOT_FOUND" | "BOT_INACTIVE" | "HOUSE_STRATEGY_UNKNOWN" | "EXTAPI_HOUSE_BOT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `EXT_BOT_OFFLINE` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "EXT_BOT_OFFLINE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `TOKEN_AT_CONCURRENT_MATCH_CAP` */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOKEN_AT_CONCURRENT_MATCH_CAP";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
            /** @description `MATCH_BACKEND_UNAVAILABLE` */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MATCH_BACKEND_UNAVAILABLE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
        };
    };
    joinMatchmaking: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Queued, or matched by this join */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "queued" | "matched";
                        position: number | null;
                        queue_ttl_seconds: number;
                        /** @constant */
                        rated: true;
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `EXTAPI_MATCHMAKING_INELIGIBLE` */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "EXTAPI_MATCHMAKING_INELIGIBLE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getMatchmakingStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The queue status */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "queued";
                        position: number;
                        waiting_seconds: number;
                    } | {
                        /** @enum {string} */
                        status: "idle" | "timed_out";
                        position: null;
                        waiting_seconds: number;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    leaveMatchmaking: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Left, or was not queued */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "left" | "not_queued";
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getLatencyStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The bot's id (a UUID) */
                bot_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The percentiles */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        bot_id: string;
                        sample_count: number;
                        p50_ms: number | null;
                        p95_ms: number | null;
                        p99_ms: number | null;
                    };
                };
            };
            /** @description `BOT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BOT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    enterTournament: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The tournament's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Registered */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tournament_id: string;
                        bot_id: string;
                        /** @constant */
                        status: "registered";
                        entrants: number;
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `TOURNAMENT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "TOURNAMENT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `TOURNAMENT_INELIGIBLE` */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOURNAMENT_INELIGIBLE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `TOURNAMENT_ALREADY_ENTERED`, `TOURNAMENT_STARTED`, `TOURNAMENT_FULL` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOURNAMENT_ALREADY_ENTERED" | "TOURNAMENT_STARTED" | "TOURNAMENT_FULL";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    createMatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    bots: string[];
                    config?: {
                        starting_stack?: number;
                        small_blind?: number;
                        big_blind?: number;
                        ante?: number;
                        turn_timeout_ms?: number;
                        reconnect_grace_ms?: number;
                        reconnect_budget?: number;
                        connection_wait_ms?: number;
                        jitter_min_ms?: number;
                        jitter_max_ms?: number;
                        rated?: boolean;
                        hand_cap?: number;
                        house_think_ms?: number;
                        max_messages_per_second?: number;
                    };
                };
            };
        };
        responses: {
            /** @description The dispatched match */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        match_id: string;
                        rated: boolean;
                        turn_timeout_ms: number;
                        seats: {
                            seat: number;
                            participant_id: string;
                            bot_id: string;
                            name: string;
                            /** @enum {string} */
                            kind: "external_api" | "house";
                            gateway_ws_url: string | null;
                        }[];
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `INVALID_SEATS`, `INVALID_CONFIG`, `BOT_NOT_FOUND`, `BOT_INACTIVE`, `HOUSE_STRATEGY_UNKNOWN` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "INVALID_SEATS" | "INVALID_CONFIG" | "BOT_NOT_FOUND" | "BOT_INACTIVE" | "HOUSE_STRATEGY_UNKNOWN";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `TOKEN_AT_CONCURRENT_MATCH_CAP` */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOKEN_AT_CONCURRENT_MATCH_CAP";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
            /** @description `MATCH_BACKEND_UNAVAILABLE` */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MATCH_BACKEND_UNAVAILABLE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
        };
    };
    getMatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The match's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The match record */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        match_id: string;
                        /** @enum {string} */
                        status: "dispatching" | "live" | "completed" | "cancelled" | "error";
                        source: string;
                        rated: boolean;
                        config: components["schemas"]["MatchConfig"];
                        /** Format: date-time */
                        created_at: string;
                        ended_at: string | null;
                        result: {
                            /** @constant */
                            type: "match_end";
                            match_id: string;
                            /** @enum {string} */
                            reason: "complete" | "cancelled" | "error";
                        } | null;
                        participants: {
                            participant_id: string;
                            seat: number;
                            bot_id: string;
                            name: string;
                            /** @enum {string} */
                            kind: "external_api" | "house";
                            net_chips: number | null;
                            hands_won: number | null;
                            final_stack: number | null;
                            place: number | null;
                        }[];
                    };
                };
            };
            /** @description `MATCH_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MATCH_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listMatchHands: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The match's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The completed hands, in order */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        match_id: string;
                        hands: {
                            hand_number: number;
                            round_id: string;
                            /** Format: date-time */
                            started_at: string;
                            ended_at: string | null;
                            dealer_seat: number;
                            hole_cards: string[][];
                            deck_commitment: string;
                            deck_reveal: unknown;
                            board: string[] | null;
                            result: unknown;
                        }[];
                    };
                };
            };
            /** @description `MATCH_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MATCH_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listTournaments: {
        parameters: {
            query?: {
                status?: "scheduled" | "running" | "completed" | "cancelled";
                /** @description 1–100, default 20 */
                limit?: string;
                /** @description 0–100000, default 0 */
                offset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the directory */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tournaments: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            format: "round_robin" | "swiss" | "knockout";
                            /** @enum {string} */
                            status: "scheduled" | "running" | "completed" | "cancelled";
                            rated: boolean;
                            /** Format: date-time */
                            starts_at: string;
                            /** Format: date-time */
                            created_at: string;
                            ended_at: string | null;
                        }[];
                        limit: number;
                        offset: number;
                        next_offset: number | null;
                    };
                };
            };
            /** @description `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    createTournament: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    format: "round_robin" | "swiss" | "knockout";
                    rounds?: number;
                    match_config?: {
                        starting_stack?: number;
                        small_blind?: number;
                        big_blind?: number;
                        ante?: number;
                        turn_timeout_ms?: number;
                        reconnect_grace_ms?: number;
                        reconnect_budget?: number;
                        connection_wait_ms?: number;
                        jitter_min_ms?: number;
                        jitter_max_ms?: number;
                        rated?: boolean;
                        hand_cap?: number;
                        house_think_ms?: number;
                        max_messages_per_second?: number;
                    };
                    /** Format: date-time */
                    starts_at?: string;
                    check_in_seconds?: number;
                    max_entrants?: number;
                    rated?: boolean;
                };
            };
        };
        responses: {
            /** @description The scheduled tournament */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tournament"];
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `INVALID_TOURNAMENT` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "INVALID_TOURNAMENT";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
            /** @description `TOURNAMENT_BACKEND_UNAVAILABLE` */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOURNAMENT_BACKEND_UNAVAILABLE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
        };
    };
    getTournament: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The tournament's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tournament */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tournament"];
                };
            };
            /** @description `TOURNAMENT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOURNAMENT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    startTournament: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The tournament's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The tournament */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tournament"];
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `TOURNAMENT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "TOURNAMENT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `TOURNAMENT_STARTED` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOURNAMENT_STARTED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    cancelTournament: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The tournament's id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The tournament */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tournament"];
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `TOURNAMENT_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "TOURNAMENT_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `TOURNAMENT_FINISHED` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOURNAMENT_FINISHED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    connectLobby: {
        parameters: {
            query?: never;
            header: {
                Upgrade: "websocket";
                Connection: "Upgrade";
            };
            path: {
                /** @description The bot's id (a UUID) */
                bot_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Upgraded (refusals close with a code) */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `UPGRADE_REQUIRED` */
            426: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UPGRADE_REQUIRED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    connectMatchSeat: {
        parameters: {
            query?: never;
            header: {
                Upgrade: "websocket";
                Connection: "Upgrade";
            };
            path: {
                /** @description The match's id (a UUID) */
                match_id: string;
                /** @description The seat's `participant_id` */
                participant_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Upgraded (refusals close with a code) */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `UPGRADE_REQUIRED` */
            426: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UPGRADE_REQUIRED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    spectateMatch: {
        parameters: {
            query?: never;
            header: {
                Upgrade: "websocket";
                Connection: "Upgrade";
            };
            path: {
                /** @description The match's id (a UUID) */
                match_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Upgraded (refusals close with a code) */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `UPGRADE_REQUIRED` */
            426: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UPGRADE_REQUIRED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    connectMatchSeatAuthenticate: {
        parameters: {
            query?: never;
            header: {
                Upgrade: "websocket";
                Connection: "Upgrade";
            };
            path: {
                /** @description The match's id (a UUID) */
                match_id: string;
                /** @description The seat's `participant_id` */
                participant_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Upgraded (refusals close with a code) */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `UPGRADE_REQUIRED` */
            426: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UPGRADE_REQUIRED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    registerAgent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    user: string;
                    machine: string;
                    pubkey: string;
                    signature: string;
                    code?: string;
                };
            };
        };
        responses: {
            /** @description Registered */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: string;
                        machine: string;
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `INVALID_PUBKEY` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "INVALID_PUBKEY";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `INVALID_SIGNATURE` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "INVALID_SIGNATURE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `REGISTRATION_CLOSED`, `REGISTRATION_CODE_REQUIRED`, `REGISTRATION_CODE_INVALID` */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "REGISTRATION_CLOSED" | "REGISTRATION_CODE_REQUIRED" | "REGISTRATION_CODE_INVALID";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `USER_TAKEN`, `MACHINE_TAKEN`, `PUBKEY_TAKEN` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "USER_TAKEN" | "MACHINE_TAKEN" | "PUBKEY_TAKEN";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listChannels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The channels the caller may see, by name */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        channels: {
                            name: string;
                            /** @enum {string} */
                            visibility: "public" | "unlisted" | "private";
                            topic: string;
                        }[];
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    createChannel: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    visibility: "public" | "unlisted" | "private";
                    topic?: string;
                    admin?: string;
                };
            };
        };
        responses: {
            /** @description The new channel */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        /** @enum {string} */
                        visibility: "public" | "unlisted" | "private";
                        topic: string;
                        admin: string | null;
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `USER_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "USER_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `CHANNEL_EXISTS` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "CHANNEL_EXISTS";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    deleteChannel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The channel's name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `CHANNEL_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "CHANNEL_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every user, by name */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        users: {
                            user: string;
                            /** Format: date-time */
                            created_at: string;
                            machines: {
                                name: string;
                                pubkey: string;
                                /** Format: date-time */
                                created_at: string;
                            }[];
                        }[];
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's name */
                user: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `USER_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "USER_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    addMachine: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's name */
                user: string;
            };
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    name: string;
                    pubkey: string;
                };
            };
        };
        responses: {
            /** @description Enrolled */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: string;
                        name: string;
                        pubkey: string;
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `USER_NOT_FOUND`, `INVALID_PUBKEY` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "USER_NOT_FOUND" | "INVALID_PUBKEY";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `MACHINE_TAKEN`, `PUBKEY_TAKEN` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MACHINE_TAKEN" | "PUBKEY_TAKEN";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    deleteMachine: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's name */
                user: string;
                /** @description The machine's name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `MACHINE_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MACHINE_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    createRegistrationCode: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    uses?: number;
                    expires_in_s?: number;
                };
            };
        };
        responses: {
            /** @description The new code */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Shown only here */
                        code: string;
                        code_id: string;
                        uses: number | null;
                        expires_at: number | null;
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    connectChannel: {
        parameters: {
            query?: never;
            header: {
                Upgrade: "websocket";
                Connection: "Upgrade";
            };
            path: {
                /** @description The channel's name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Upgraded: the server sends `challenge` */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `INVALID_CHANNEL_NAME` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "INVALID_CHANNEL_NAME";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UPGRADE_REQUIRED` */
            426: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UPGRADE_REQUIRED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    connectInbox: {
        parameters: {
            query?: never;
            header: {
                Upgrade: "websocket";
                Connection: "Upgrade";
            };
            path: {
                /** @description The user's name */
                user: string;
                /** @description The machine's name */
                machine: string;
                /** @description A session handle chosen by the agent */
                session: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Upgraded: the server sends `challenge` */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `INVALID_SESSION_PATH` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "INVALID_SESSION_PATH";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UPGRADE_REQUIRED` */
            426: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UPGRADE_REQUIRED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listOperatorTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every operator token */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tokens: components["schemas"]["OperatorToken"][];
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    issueOperatorToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Who holds the token (shown as `resolvedBy` and in presence) */
                    name: string;
                    /** @description `operator.admin` implies every other scope */
                    scopes: ("operator.read" | "operator.write" | "operator.admin" | "operator.approvals")[];
                };
            };
        };
        responses: {
            /** @description The new token */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedOperatorToken"];
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    revokeOperatorToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The token's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (or already revoked) */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `TOKEN_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "TOKEN_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    shutdownOperators: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    reason: string;
                    restart_expected_ms?: number;
                };
            };
        };
        responses: {
            /** @description How many sockets were closed */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        closed: number;
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    connectOperator: {
        parameters: {
            query?: never;
            header: {
                Upgrade: "websocket";
                Connection: "Upgrade";
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Upgraded: the server sends `connect.challenge` */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `UPGRADE_REQUIRED` */
            426: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UPGRADE_REQUIRED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    connectSledUplink: {
        parameters: {
            query?: {
                /** @description The sled's uplink token (`bgsled_…`) */
                token?: string;
            };
            header: {
                Upgrade: "websocket";
                Connection: "Upgrade";
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Upgraded */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `INVALID_BODY`, `UNKNOWN_FIELD` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "INVALID_BODY" | "UNKNOWN_FIELD";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UPGRADE_REQUIRED` */
            426: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UPGRADE_REQUIRED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    listSleds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every sled */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sleds: components["schemas"]["Sled"][];
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    registerSled: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    /** @description The project the sled serves; its `identity` frame must name it */
                    project: string;
                    /** @description An agent user who becomes admin (and first member) of the private approvals channel `approvals-<project>`; members answer requests there (docs/sleds.md) */
                    approver?: string;
                };
            };
        };
        responses: {
            /** @description The new token */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedSledToken"];
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `USER_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "USER_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `SLED_EXISTS` */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "SLED_EXISTS";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    rotateSledToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sled's project */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new token */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedSledToken"];
                };
            };
            /** @description `SLED_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "SLED_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    revokeSled: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sled's project */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (or already revoked) */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `SLED_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "SLED_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getApproval: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The approval's id (`<project>:<uuid>`) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The approval */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Approval"];
                };
            };
            /** @description `APPROVAL_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "APPROVAL_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    resolveApproval: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The approval's id (`<project>:<uuid>`) */
                id: string;
            };
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * @description `allow-once`, `allow-always` or `deny`
                     * @enum {string}
                     */
                    decision: "allow-once" | "allow-always" | "deny";
                };
            };
        };
        responses: {
            /** @description The recorded outcome */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        applied: boolean;
                        approval: components["schemas"]["Approval"];
                    };
                };
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `APPROVAL_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "APPROVAL_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    sledMcpStream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sled's project */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `METHOD_NOT_ALLOWED` */
            405: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "METHOD_NOT_ALLOWED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    relaySledMcp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The sled's project */
                project: string;
            };
            cookie?: never;
        };
        /** @description A JSON object (an empty body counts as `{}`); unknown fields are refused */
        requestBody?: {
            content: {
                "application/json": {
                    /** @constant */
                    jsonrpc: "2.0";
                    method: string;
                    id?: string | number | null;
                    params?: unknown;
                };
            };
        };
        responses: {
            /** @description The JSON-RPC response */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description A notification, accepted */
            202: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `MALFORMED_JSON`, `INVALID_BODY`, `UNKNOWN_FIELD`, `SLED_NOT_FOUND` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "MALFORMED_JSON" | "INVALID_BODY" | "UNKNOWN_FIELD" | "SLED_NOT_FOUND";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `UNAUTHORIZED` */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "UNAUTHORIZED";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            /** @description `BODY_TOO_LARGE` */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error_code: "BODY_TOO_LARGE";
                        message: string;
                        /** @description Also in the `x-request-id` header */
                        request_id: string;
                    };
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
}
