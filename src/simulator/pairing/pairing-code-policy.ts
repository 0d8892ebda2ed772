import type { BinaryNode } from '../../whatsapp/protocol.ts';
import { bytesOf } from '../server/nodes.ts';
import type { SimContext } from '../server/sim-context.ts';

/** The OS names WA Web itself puts in `companion_platform_display` ("Chrome (Windows)"). */
const KNOWN_OS = new Set(['Windows', 'Mac OS', 'Linux', 'Ubuntu', 'ChromeOS']);
const KNOWN_BROWSERS = new Set(['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Desktop']);
/** Code requests one number may make within the window before the server says "rate-overlimit". */
const MAX_REQUESTS = 5;
const WINDOW_MS = 10 * 60_000;

interface Refusal {
  readonly code: number;
  readonly text: string;
}

const requests = new WeakMap<SimContext, Map<string, number[]>>();

/**
 * Today's server refuses some `companion_hello` requests with an `<iq type="error">` (and with stock
 * rc14 the app never learns, because it does not wait for the answer: Baileys #2560, #2737):
 * - a `companion_platform_display` other than "<browser> (<OS>)": 400 bad-request, measured against
 *   production on 2026-08-12 ("Chrome (Acme)" refused, "Chrome (Windows)" accepted; Baileys PR #2769);
 * - a number with no WhatsApp account: 404 item-not-found (the code is our choice: no public capture
 *   shows it; what matters is that the request is refused);
 * - more than a few requests for one number in ten minutes: 429 rate-overlimit.
 */
export const refusePairingCode = (ctx: SimContext, reg: BinaryNode, phone: string): Refusal | undefined => {
  if (!ctx.pairing.strictPairingCodes) return undefined;
  const display = bytesOf(reg, 'companion_platform_display')?.toString('utf8') ?? '';
  const [, browser = '', os = ''] = /^(.+) \((.+)\)$/.exec(display) ?? [];
  if (!KNOWN_BROWSERS.has(browser) || !KNOWN_OS.has(os)) return { code: 400, text: 'bad-request' };
  if (!ctx.world.account(phone)) return { code: 404, text: 'item-not-found' };
  const byPhone = requests.get(ctx) ?? new Map<string, number[]>();
  requests.set(ctx, byPhone);
  const now = Date.now();
  const recent = (byPhone.get(phone) ?? []).filter((at) => now - at < WINDOW_MS);
  recent.push(now);
  byPhone.set(phone, recent);
  if (recent.length > MAX_REQUESTS) return { code: 429, text: 'rate-overlimit' };
  return undefined;
};
