/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
const DISCORD_EPOCH = 1420070400000n;

/**
 * Generates increasing snowflakes shaped like Discord's: 42 bits of milliseconds since the Discord
 * epoch, 5 bits worker, 5 bits process, 12 bits increment. Ids from one generator are strictly
 * increasing even when many are made in the same millisecond, so tests can sort by id.
 */
export class SnowflakeGenerator {
  private lastTimestamp = 0n;
  private increment = 0n;

  constructor(
    private readonly workerId = 1n,
    private readonly processId = 0n,
  ) {}

  next(): string {
    let timestamp = BigInt(Date.now()) - DISCORD_EPOCH;
    if (timestamp <= this.lastTimestamp) {
      timestamp = this.lastTimestamp;
      this.increment += 1n;
      if (this.increment > 0xfffn) {
        // 4096 ids in one millisecond: borrow the next millisecond rather than repeat an id.
        timestamp += 1n;
        this.increment = 0n;
      }
    } else {
      this.increment = 0n;
    }
    this.lastTimestamp = timestamp;
    const id = (timestamp << 22n) | (this.workerId << 17n) | (this.processId << 12n) | this.increment;
    return id.toString();
  }
}

/** The creation time encoded in a snowflake. */
export function snowflakeTimestamp(id: string): Date {
  return new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH));
}
