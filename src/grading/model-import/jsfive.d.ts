// The part of jsfive's API used by the importer (the package ships no type declarations).
declare module 'jsfive' {
  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): Group | Dataset | null | undefined;
    /** Internal: where the group's object header sits in the file (it names the group). */
    readonly _dataobjects?: { offset?: number };
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  /** Decoders of HDF5 filters by filter id (1 is deflate), used for every compressed chunk. */
  export const Filters: Map<number, (buffer: ArrayBuffer, itemsize: number, clientData?: unknown) => ArrayBuffer>;
  export class Dataset {
    /** Internal: the chunk shape, when the dataset is stored in chunks. */
    readonly _dataobjects?: { chunks?: number[] | null };
    readonly name: string;
    readonly shape: number[];
    readonly dtype: string | unknown;
    readonly value: ArrayLike<number | bigint>;
    readonly attrs: Record<string, unknown>;
  }
}
