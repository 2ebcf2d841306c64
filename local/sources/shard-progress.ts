/** A record a Pipe read from a shard and has not yet seen taken by the workflow (or dead-lettered). */
export interface Unacknowledged {
  sequenceNumber: string;
  /** When it arrived on the stream (ms): how far behind the Pipe is. */
  arrived: number;
  taken: boolean;
}

/**
 * Where a shard's checkpoint may stand when batches end out of order (a parallelization factor above 1):
 * after the last record of the longest run, from the oldest record read, of records taken.
 */
export class ShardProgress {
  private readonly order: Unacknowledged[] = [];
  private head = 0;

  /** Records read and not yet behind the checkpoint. */
  get size(): number {
    return this.order.length - this.head;
  }

  /** A record read, in the shard's order. */
  read(sequenceNumber: string, arrived: number): Unacknowledged {
    const place = { sequenceNumber, arrived, taken: false };
    this.order.push(place);
    return place;
  }

  /** Marks records taken; returns the sequence number the checkpoint moves to, if it moves. */
  take(places: Unacknowledged[]): string | undefined {
    for (const place of places) place.taken = true;
    let moved: string | undefined;
    while (this.head < this.order.length && this.order[this.head]!.taken) moved = this.order[this.head++]!.sequenceNumber;
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    return moved;
  }

  /** Arrival (ms) of the oldest record read and not taken; undefined when every record read was. */
  oldest(): number | undefined {
    return this.order[this.head]?.arrived;
  }
}
