/** Sentences for people in zh-CN and en: stored as messages, rendered for each reader. */
export * from './message.js';
export { render, renderText } from './render.js';
export { CATALOGUE, type MessageKey } from './catalogue.js';
