/** One drizzle-kit migration, carried inside the binary as text. */
export interface EmbeddedMigration {
  tag: string;
  /** drizzle-kit's journal timestamp; migrations apply in this order. */
  when: number;
  breakpoints: boolean;
  sql: string;
}
