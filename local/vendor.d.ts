// The local protocol servers ship no types; these are the parts sluice uses.
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    configureBuckets?: { name: string }[];
  }
  class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
  export = S3rver;
}

declare module 'dynalite' {
  import type { Server } from 'node:net';
  function dynalite(options?: { createTableMs?: number; path?: string }): Server;
  export = dynalite;
}

declare module 'kinesalite' {
  import type { Server } from 'node:net';
  function kinesalite(options?: { createStreamMs?: number; shardLimit?: number; path?: string }): Server;
  export = kinesalite;
}
