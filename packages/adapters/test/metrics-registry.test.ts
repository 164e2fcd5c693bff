import t from 'tap';
import { MetricsRegistry } from '../src/index.js';

t.test('a registered gauge is read at each scrape, and only then', async (t) => {
  const metrics = new MetricsRegistry();
  let open = 0;
  let reads = 0;
  metrics.registerGauge({
    name: 'event_streams_open',
    help: 'Event streams open on this instance',
    read: () => {
      reads += 1;
      return open;
    },
  });
  t.equal(reads, 0, 'nothing is read before a scrape');
  t.match(await metrics.text(), /^event_streams_open 0$/m);
  open = 3;
  t.match(await metrics.text(), /^# HELP event_streams_open Event streams open on this instance$/m);
  t.match(await metrics.text(), /^event_streams_open 3$/m);
  t.equal(reads, 3);
});

t.test('registries are independent: the same name in two apps, no clash and no shared value', async (t) => {
  const first = new MetricsRegistry();
  const second = new MetricsRegistry();
  first.registerGauge({ name: 'things', help: 'Things', read: () => 1 });
  second.registerGauge({ name: 'things', help: 'Things', read: () => 2 });
  t.match(await first.text(), /^things 1$/m);
  t.match(await second.text(), /^things 2$/m);
  t.throws(() => first.registerGauge({ name: 'things', help: 'Things', read: () => 3 }), 'one name once per registry');
});
