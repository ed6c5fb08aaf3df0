// The sandbox realm's builtins, read once. Inside a vm context every global lookup goes through V8's interceptors
// (about ten times slower than a local), and an iteration makes hundreds of them. esbuild bundles the runtime's files
// into one function scope, so each file that imports these gets a plain local variable: every file of the sandbox
// runtime imports the builtins it uses from here rather than naming the global.
export const {
  String,
  Error,
  JSON,
  Object,
  Number,
  ArrayBuffer,
  Uint8Array,
  Array,
  Boolean,
  Promise,
  Math,
  encodeURIComponent,
  Function,
  Map,
} = globalThis;
