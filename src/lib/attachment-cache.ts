/**
 * Hibernation attachments cached per socket object and written through: a socket's
 * attachment is deserialized once per wake-up, however often it is read, and every change is
 * stored with the socket at once (it survives hibernation and restarts).
 */
export class AttachmentCache<T> {
  readonly #cache = new WeakMap<WebSocket, T>();

  read(ws: WebSocket): T | null {
    const cached = this.#cache.get(ws);
    if (cached) return cached;
    const stored = ws.deserializeAttachment() as T | null;
    if (stored) this.#cache.set(ws, stored);
    return stored;
  }

  write(ws: WebSocket, attachment: T): void {
    ws.serializeAttachment(attachment);
    this.#cache.set(ws, attachment);
  }
}
