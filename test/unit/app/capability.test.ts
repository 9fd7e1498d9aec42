import { EXTENSION_ID, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { describe, expect, it } from 'vitest';
import { rendersApps, UI_EXTENSION_ID, VIEW_MIME_TYPE } from '../../../src/app/capability.js';
import { supportsView } from '../../../src/app/serve.js';

describe('which clients get the view', () => {
  it('spells the extension and the mime type as the installed ext-apps does', () => {
    expect(UI_EXTENSION_ID).toBe(EXTENSION_ID);
    expect(VIEW_MIME_TYPE).toBe(RESOURCE_MIME_TYPE);
  });

  // rendersApps decides without loading ext-apps; supportsView asks ext-apps' getUiCapability: they must agree
  it.each([
    [
      'an Apps host (spec example)',
      { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } } },
      true,
    ],
    [
      'the extension with another view type only',
      { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/uri-list'] } } },
      false,
    ],
    ['the extension without mimeTypes', { extensions: { 'io.modelcontextprotocol/ui': {} } }, false],
    ['another extension', { extensions: { 'io.example/other': { mimeTypes: ['text/html;profile=mcp-app'] } } }, false],
    ['elicitation only', { elicitation: {} }, false],
    ['nothing', {}, false],
    ['no capabilities yet', undefined, false],
  ])('%s → %s', (_name, capabilities, expected) => {
    expect(rendersApps(capabilities)).toBe(expected);
    expect(supportsView(capabilities)).toBe(expected);
  });
});
