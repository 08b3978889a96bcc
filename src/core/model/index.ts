export * from './config';
export * from './download';
export * from './errors';
export * from './load';
export * from './model-cache';
export * from './progress';
export * from './sources';
export * from './tokenizer';
