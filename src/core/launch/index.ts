// Launch configurations for official/nlp/train.py: spec, builders, --params_override grammar,
// validation, targets (launch.json, tasks.json, shells, Cloud TPU VM, Vertex AI) and file editing.
export * from './args';
export * from './build';
export * from './checkFile';
export * from './closest';
export * from './configFiles';
export * from './encoder';
export * from './experiments';
export * from './jsonc';
export * from './modelGardenPython';
export * from './overrides';
export * from './paramsOverride';
export * from './problems';
export * from './pyyaml';
export * from './quote';
export * from './resolve';
export * from './scan';
export * from './spec';
export * from './structure';
export * from './targets';
export * from './validate';
