import t from 'tap';
import { EventStreamParser } from '../src/event-stream.js';

t.test('an event: its type, its data and its id', async (t) => {
  const parser = new EventStreamParser();
  t.strictSame(parser.push('event: change\nid: c1\ndata: {"type":"delete","id":4}\n\n'), [
    { type: 'change', data: '{"type":"delete","id":4}', lastEventId: 'c1' },
  ]);
});

t.test('an event split anywhere across chunks, CRLF included, is the same event', async (t) => {
  const text = 'event: change\r\nid: c7\r\ndata: {"a":1}\r\n\r\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const parser = new EventStreamParser();
    const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
    t.strictSame(events, [{ type: 'change', data: '{"a":1}', lastEventId: 'c7' }], `cut at ${cut}`);
  }
});

t.test('lines may end with CR alone', async (t) => {
  const parser = new EventStreamParser();
  t.strictSame(parser.push('event: change\rdata: x\r\r'), [{ type: 'change', data: 'x', lastEventId: '' }]);
});

t.test('comments (keep-alives) are ignored and dispatch nothing', async (t) => {
  const parser = new EventStreamParser();
  t.strictSame(parser.push(': keep-alive\n\n: keep-alive\n\n'), []);
  t.strictSame(parser.push(': keep-alive\nevent: change\ndata: y\n\n'), [{ type: 'change', data: 'y', lastEventId: '' }]);
});

t.test('several data lines join with line feeds; one space after the colon is dropped, no more', async (t) => {
  const parser = new EventStreamParser();
  t.strictSame(parser.push('data: one\ndata:two\ndata:  three\n\n'), [{ type: 'message', data: 'one\ntwo\n three', lastEventId: '' }]);
});

t.test('the last event id carries over to later events until another id; an id holding NUL is ignored', async (t) => {
  const parser = new EventStreamParser();
  const events = parser.push('id: 1\ndata: a\n\ndata: b\n\nid: 2\u0000\ndata: c\n\nid: 3\ndata: d\n\n');
  t.strictSame(
    events.map((event) => event.lastEventId),
    ['1', '1', '1', '3'],
  );
  t.equal(parser.lastEventId, '3');
});

t.test('an event without data is not dispatched, but its id is kept; the type does not leak into the next event', async (t) => {
  const parser = new EventStreamParser();
  t.strictSame(parser.push('event: change\nid: 9\n\ndata: z\n\n'), [{ type: 'message', data: 'z', lastEventId: '9' }]);
});

t.test('a byte-order mark at the start is skipped; unknown fields (retry:) change nothing', async (t) => {
  const parser = new EventStreamParser();
  t.strictSame(parser.push('\uFEFFretry: 2500\nevent: change\nfoo: bar\ndata: q\n\n'), [{ type: 'change', data: 'q', lastEventId: '' }]);
});

t.test('an unterminated last event is held back until its blank line arrives', async (t) => {
  const parser = new EventStreamParser();
  t.strictSame(parser.push('event: change\ndata: partial'), []);
  t.strictSame(parser.push('\n'), []);
  t.strictSame(parser.push('\n'), [{ type: 'change', data: 'partial', lastEventId: '' }]);
});
