export * from './batch-validator.js';
export * from './compression.js';
export * from './crc32c.js';
export * from './filter.js';
export * from './record-batch.js';
export * from './record-decoder.js';
export * from './record-encoder.js';
export * from './varint.js';
