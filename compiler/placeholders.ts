// Zero placeholder values for timing-only compiles (LayerProgram.placeholders): views of one shared zeroed buffer.
// No pass writes placeholder values (BN folding, projection, weight quantisation and the DRAM image fill skip
// them), so every layer's placeholders can share memory: ResNet-50's 25 M placeholder weights would otherwise be
// ~125 MB of fresh allocations and the garbage collections that external memory pressure triggers.

let shared = new ArrayBuffer(0);
const buffers = new WeakSet<ArrayBufferLike>();

function zeroBytes(bytes: number): ArrayBuffer {
  if (bytes > shared.byteLength) {
    // Views of a smaller, older buffer stay valid (and zero): it lives as long as they do.
    shared = new ArrayBuffer(Math.max(bytes, 2 * shared.byteLength));
    buffers.add(shared);
  }
  return shared;
}

/** `n` float zeros that must never be written. */
export function zeroFloats(n: number): Float32Array {
  return new Float32Array(zeroBytes(4 * n), 0, n);
}

/** `n` int8 zeros that must never be written. */
export function zeroInt8s(n: number): Int8Array {
  return new Int8Array(zeroBytes(n), 0, n);
}

/** Whether `a` is a placeholder from this module (its values are zeros and must not be written). */
export function isPlaceholder(a: ArrayBufferView): boolean {
  return buffers.has(a.buffer);
}
