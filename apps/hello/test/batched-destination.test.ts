import t from 'tap';
import { BatchedDestination } from '../src/batched-destination.ts';

const sink = () => {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string) => void chunks.push(chunk) };
};

t.test('lines are written in batches of at least batchChars, in order', async (t) => {
  const out = sink();
  const destination = new BatchedDestination(out, { batchChars: 10, flushIntervalMs: 60_000 });
  t.equal(destination.write('1234\n'), true);
  t.same(out.chunks, [], 'below the batch size: nothing written yet');
  destination.write('5678\n');
  t.same(out.chunks, ['1234\n5678\n'], 'one write for both lines');
  destination.write('9\n');
  destination.flush();
  destination.flush();
  t.same(out.chunks, ['1234\n5678\n', '9\n'], 'flush() writes what is pending, and nothing when empty');
});

t.test('a lone line is written within flushIntervalMs', async (t) => {
  const out = sink();
  const destination = new BatchedDestination(out, { batchChars: 1 << 20, flushIntervalMs: 20 });
  destination.write('quiet\n');
  const deadline = Date.now() + 2000;
  while (out.chunks.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.same(out.chunks, ['quiet\n']);
});
