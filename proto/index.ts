/**
 * The package's `./proto` export (`tributary/proto`): the parts of the wire contract a program outside
 * this repository can use without the SDK: the RecordBatch v2 codec (encode, decode, CRC-32C, compression)
 * and the error table (reasons, gRPC codes, retriability). The generated message types and the loader stay
 * internal: they follow the .proto files, which are not part of the package's API.
 */
export * from './codec/index.js';
export * from './errors.js';
