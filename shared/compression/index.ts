// Compression: zstd and restic's framing of compressed JSON files.
export { zstdCompress, zstdCompressBound, zstdCompressInto, zstdDecompress, zstdDecompressReusing, zstdImplementation, ZSTD_DEFAULT_LEVEL, ZSTD_DEFAULT_MAX_SIZE } from './zstd.js';
export { decodeUnpacked, encodeUnpacked, UNPACKED_MAX_SIZE } from './framing.js';
