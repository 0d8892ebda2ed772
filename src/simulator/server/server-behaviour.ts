/**
 * Which WhatsApp server the simulator plays. `current` is the server as public reports describe it in
 * late 2026 (shared/notes/whatsapp-2026.md); `rc14` is the server as it behaved when Baileys
 * 7.0.0-rc14 was released, kept so that a test can show stock rc14 failing against today's server and
 * passing against the old one.
 */
export type ServerEra = 'current' | 'rc14';

export interface PairingBehaviour {
  /**
   * Registration refreshes an unpaired companion goes through before a scan links it. Each of the
   * first scans retires the ADV secret its QR advertised, sends the companion a
   * `<notification type="companion_reg_refresh">` and fails on the phone ("Couldn't link device"):
   * only a client that rotates its secret and re-renders its QR can then be linked (Baileys #2737).
   */
  readonly qrRefreshes: number;
  /** The notification's child: WA Web accepts `companion_reg_refresh` or `pair-device-rotate-qr`. */
  readonly qrRefreshChild: 'companion_reg_refresh' | 'pair-device-rotate-qr';
  /**
   * Refuse pairing-code requests the real server refuses, with an `<iq type="error">`: a number not on
   * WhatsApp, a `companion_platform_display` that is not "<browser> (<OS>)" with a real OS
   * (Baileys #2560, PR #2769), and too many requests for one number.
   */
  readonly strictPairingCodes: boolean;
}

export const pairingBehaviour = (era: ServerEra, overrides: Partial<PairingBehaviour> = {}): PairingBehaviour => ({
  qrRefreshes: era === 'current' ? 1 : 0,
  qrRefreshChild: 'companion_reg_refresh',
  strictPairingCodes: era === 'current',
  ...overrides,
});
