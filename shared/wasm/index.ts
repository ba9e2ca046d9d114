// A minimal WebAssembly binary writer, for hot loops written as named instructions (module-writer.ts).
export { encodeModule, encodeOneFunctionModule, I32, I64, V128, op } from './module-writer.js';
export type { ModuleDefinition, ModuleFunction, OneFunctionModule, ValueType } from './module-writer.js';
