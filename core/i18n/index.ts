/** Sentences for people in zh-CN and en: stored as messages, rendered for each reader. */
export * from './message.js';
export { render, renderText, say } from './render.js';
export { CATALOGUE, type MessageKey } from './catalogue.js';
export { TEXTS_ZH } from './texts.js';
