/** One dispatched Server-Sent Event. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when none was given. */
  readonly type: string;
  /** The `data:` lines, joined by line feeds. */
  readonly data: string;
  /** The last event ID when this event was dispatched (the `id:` of this event or of an earlier one). */
  readonly lastEventId: string;
}

/**
 * The text/event-stream format of the HTML standard, fed chunk by chunk: lines end with CRLF, LF or CR (a chunk may end
 * between the CR and the LF of one line end); `:` lines are comments (keep-alives); a blank line
 * dispatches the event; an event without data is not dispatched. `retry:` is ignored: the client's own backoff decides
 * when to reconnect.
 */
export class EventStreamParser {
  #pending = '';
  #data: string[] = [];
  #type = '';
  #lastEventId = '';
  #firstChunk = true;
  /** The last chunk ended with CR: a LF opening the next one belongs to that line end. */
  #afterCarriageReturn = false;
  get lastEventId(): string {
    return this.#lastEventId;
  }

  push(chunk: string): ServerSentEvent[] {
    let text = chunk;
    if (this.#afterCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.#afterCarriageReturn = false;
    if (this.#firstChunk && text.length > 0) {
      this.#firstChunk = false;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    text = this.#pending + text;
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (let index = 0; index < text.length; index++) {
      const character = text[index];
      if (character !== '\n' && character !== '\r') continue;
      const line = text.slice(start, index);
      if (character === '\r') {
        if (index === text.length - 1) this.#afterCarriageReturn = true;
        else if (text[index + 1] === '\n') index++;
      }
      start = index + 1;
      const event = this.#line(line);
      if (event !== undefined) events.push(event);
    }
    this.#pending = text.slice(start);
    return events;
  }

  #line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#type = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
    }
    return undefined;
  }

  #dispatch(): ServerSentEvent | undefined {
    const data = this.#data;
    const type = this.#type;
    this.#data = [];
    this.#type = '';
    if (data.length === 0) return undefined;
    return { type: type === '' ? 'message' : type, data: data.join('\n'), lastEventId: this.#lastEventId };
  }
}
