// Every diagnostic code nnc can emit, banded: NN1xxx syntax, NN2xxx names, NN3xxx shapes and
// arguments, NN4xxx training and data, NN5xxx code generation. Codes are stable: never reuse one.
// docs/diagnostics.md explains each; a test checks the two agree.

export const catalogue = {
  NN1001: 'syntax error',
  NN1002: 'unexpected character',
  NN1003: 'nesting too deep',
  NN1004: 'nothing declared',
  NN1005: 'file too large',

  NN2001: 'unknown layer',
  NN2002: 'unknown name',
  NN2003: 'duplicate declaration',
  NN2004: 'unknown model',
  NN2005: 'unknown data',
  NN2006: 'unknown argument',
  NN2007: 'duplicate argument',
  NN2008: 'unknown activation',
  NN2009: 'duplicate name in a model',

  NN3001: 'wrong argument type',
  NN3002: 'argument out of range',
  NN3003: 'missing argument',
  NN3004: 'too many arguments',
  NN3005: 'model has no input',
  NN3006: 'invalid dimension',
  NN3007: 'layer has no input value',
  NN3008: 'unsupported expression',
  NN3009: 'constant weights of the wrong shape',
  NN3010: 'several inputs or outputs',
  NN3101: 'rank mismatch',
  NN3102: 'shape mismatch at the input of a layer',
  NN3103: 'declared output shape differs',
  NN3104: 'size must be known',

  NN4001: 'unknown loss',
  NN4002: 'unknown optimizer',
  NN4003: 'unknown metric',
  NN4004: 'unknown training setting',
  NN4005: 'missing training setting',
  NN4006: 'table row has the wrong number of columns',
  NN4007: 'features do not match the model input',
  NN4008: 'labels do not match the model output',
  NN4009: 'invalid training setting',
  NN4010: 'loss does not suit the output',
  NN4011: 'empty table',
  NN4012: 'duplicate training setting',

  NN5001: 'name cannot be used in generated code',
  NN5002: 'internal compiler error',
} as const;

export type DiagnosticCode = keyof typeof catalogue;
