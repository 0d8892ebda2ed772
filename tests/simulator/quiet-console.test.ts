import { expect, test, setDefaultTimeout } from 'bun:test';
import { quietLibsignal } from '../../src/whatsapp/quiet-libsignal.ts';

// bunfig's [test] timeout is not read by Bun 1.4.5; a busy 2-core CI needs more than the 5 s default.
setDefaultTimeout(20_000);

// Its own file: no simulator may be running, or the filter is already installed around another console.
test('libsignal session dumps are silenced while a simulator runs, other logs are not', () => {
  const seen: unknown[][] = [];
  const saved = console.info;
  console.info = (...args: unknown[]) => void seen.push(args);
  try {
    const release = quietLibsignal();
    console.info('Closing session:', { huge: 'record' });
    console.info('Opening session:', { huge: 'record' });
    console.info('a normal line');
    release();
    console.info('Closing session:', 'after release');
  } finally {
    console.info = saved;
  }
  expect(seen).toEqual([['a normal line'], ['Closing session:', 'after release']]);
});
