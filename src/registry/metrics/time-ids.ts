/**
 * The smallest UUIDv7 of a millisecond. Metrics ids are UUIDv7 made from the
 * row's timestamp, so `id < uuidV7Floor(t)` selects the rows older than t
 * through the primary key, with no time index for every heartbeat to update.
 */
export function uuidV7Floor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8)}-0000-0000-000000000000`;
}
