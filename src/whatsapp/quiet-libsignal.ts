/**
 * libsignal `console.info`s/`warn`s whole session records when sessions open, close or roll over.
 * With hundreds of sessions that drowns every log, so while a simulator or a WhatsApp session runs
 * (the simulator and the Baileys driver both take it) those lines are dropped.
 * Reference-counted so that several users in one process restore the console exactly once.
 */
const LIBSIGNAL_NOISE = [
  'Closing session',
  'Opening session',
  'Removing old closed session',
  'Closing open session in favor of incoming prekey bundle',
  'Session already',
  'Migrating session to',
  'Decrypted message with closed session',
];

let users = 0;
let original: { info: typeof console.info; warn: typeof console.warn } | undefined;

const isNoise = (args: unknown[]): boolean => {
  const first = args[0];
  return typeof first === 'string' && LIBSIGNAL_NOISE.some((prefix) => first.startsWith(prefix));
};

export const quietLibsignal = (): (() => void) => {
  if (users++ === 0) {
    original = { info: console.info, warn: console.warn };
    const { info, warn } = original;
    console.info = (...args: unknown[]) => (isNoise(args) ? undefined : info(...args));
    console.warn = (...args: unknown[]) => (isNoise(args) ? undefined : warn(...args));
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--users === 0 && original) {
      console.info = original.info;
      console.warn = original.warn;
      original = undefined;
    }
  };
};
