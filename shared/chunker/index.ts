// restic's content-defined chunker and the polynomials it is keyed by.
export { Chunker, WINDOW_SIZE, MIN_SIZE, MAX_SIZE, AVERAGE_BITS, type ChunkerOptions } from './chunker.js';
export { chunkBuffer, chunkStream } from './split.js';
export {
  randomPolynomial,
  isIrreducible,
  degree,
  parsePolynomial,
  formatPolynomial,
  POLYNOMIAL_DEGREE,
} from './polynomial.js';
