// A minimal WebAssembly binary writer, for hot loops written as named instructions (module-writer.ts).
export { encodeOneFunctionModule, I32, I64, op } from './module-writer.js';
export type { OneFunctionModule, ValueType } from './module-writer.js';
