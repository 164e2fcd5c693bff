import t from 'tap';
import { nextCursor } from '../src/client.js';

t.test('the cursor of the rel="next" link, as the API sends it', async (t) => {
  t.equal(nextCursor('</api/tasks?limit=2&cursor=abc%3D%3D>; rel="next"'), 'abc==');
});

t.test('among several links, with rel unquoted or holding several relation types, absolute or relative', async (t) => {
  t.equal(nextCursor('</api/tasks?cursor=first>; rel="prev", <https://api.example.com/api/tasks?cursor=n2>; rel=next'), 'n2');
  t.equal(nextCursor('</api/tasks?cursor=both>; title="x"; rel="next last"'), 'both');
});

t.test('no header, or no next link: null', async (t) => {
  t.equal(nextCursor(null), null);
  t.equal(nextCursor('</api/tasks?cursor=p>; rel="prev"'), null);
  t.equal(nextCursor('</api/tasks?cursor=p>; rel="nextish"'), null);
});
