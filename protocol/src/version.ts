/**
 * The wire protocol version spoken between Handoff's parts. Additive changes keep it;
 * removals and renames bump it.
 */
export const PROTOCOL_VERSION = 1;

/** The oldest peer version this build still understands. */
export const MIN_COMPATIBLE_PROTOCOL_VERSION = 1;

/** Header that carries {@link PROTOCOL_VERSION} on HTTP requests. */
export const PROTOCOL_VERSION_HEADER = 'X-Protocol-Version';

/** The outcome of {@link checkCompatibility}. */
export type Compatibility = { compatible: true } | { compatible: false; reason: string };

/** Tells whether a peer speaking `peerVersion` can talk to this build, and why not. */
export function checkCompatibility(peerVersion: number): Compatibility {
  if (!Number.isInteger(peerVersion) || peerVersion < 1) {
    return { compatible: false, reason: `Protocol version ${String(peerVersion)} is not a valid version.` };
  }
  if (peerVersion < MIN_COMPATIBLE_PROTOCOL_VERSION) {
    return {
      compatible: false,
      reason: `Peer speaks protocol ${String(peerVersion)}, older than ${String(MIN_COMPATIBLE_PROTOCOL_VERSION)}: update the peer.`,
    };
  }
  if (peerVersion > PROTOCOL_VERSION) {
    return {
      compatible: false,
      reason: `Peer speaks protocol ${String(peerVersion)}, newer than ${String(PROTOCOL_VERSION)}: update this side.`,
    };
  }
  return { compatible: true };
}
